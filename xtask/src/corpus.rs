//! `cargo xtask corpus --roles N --functions N [--seed S] [--merged] OUT`: a
//! deterministic generator of realistic account dumps in the real AWS CLI
//! formats, for benchmarks: authorization details with inline, customer
//! managed and AWS managed policies and boundaries; function lists; event
//! source mappings; one get-policy file per function that has a resource
//! policy; and a realistic share of misconfigurations.
//!
//! The authorization details and function lists come in pages (1,000 roles
//! or 50 functions a file), as a dump script that pages through the API
//! writes them; with `--merged`, as one file each, as the AWS CLI prints
//! them by default (it fetches every page and merges them).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// A small, fast, deterministic generator (xorshift64*), so the same seed
/// gives the same corpus on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

pub struct Options {
    pub roles: usize,
    pub functions: usize,
    pub seed: u64,
    pub out: PathBuf,
    /// One file per command, as the AWS CLI merges pages by default.
    pub merged: bool,
}

pub fn parse(args: &[String]) -> Result<Options> {
    let mut roles = None;
    let mut functions = None;
    let mut seed = 1;
    let mut out = None;
    let mut merged = false;
    let mut iter = args.iter();
    let number = |v: Option<&String>, what: &str| -> Result<usize> {
        v.with_context(|| format!("`{what}` needs a number"))?
            .replace('_', "")
            .parse()
            .with_context(|| format!("`{what}` needs a number"))
    };
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--roles" => roles = Some(number(iter.next(), "--roles")?),
            "--functions" => functions = Some(number(iter.next(), "--functions")?),
            "--seed" => seed = number(iter.next(), "--seed")? as u64,
            "--merged" => merged = true,
            other if !other.starts_with('-') && out.is_none() => out = Some(PathBuf::from(other)),
            other => bail!("unexpected `{other}`; usage: cargo xtask corpus --roles N --functions N [--seed S] [--merged] OUT, or cargo xtask corpus --policy-files|--stress-policy-files N OUT"),
        }
    }
    let functions = functions.context("give --functions N")?;
    if roles == Some(0) {
        bail!("`--roles 0`: every function needs an execution role; give --roles 1 or more");
    }
    Ok(Options {
        // One role at least, also for an account of no functions: the
        // shared managed policies and boundaries are attached to roles.
        roles: roles.unwrap_or(functions).max(1),
        functions,
        seed,
        out: out.context("give the output folder")?,
        merged,
    })
}

pub fn run(args: &[String]) -> Result<()> {
    // `--policy-files N OUT`: the stand-alone policy files of the
    // policy-linting benchmark, without an account.
    // `--stress-policy-files N OUT`: the files that stress a linter.
    let which = args.first().map(String::as_str);
    if let Some(flag @ ("--policy-files" | "--stress-policy-files")) = which {
        let count: usize = args
            .get(1)
            .with_context(|| format!("`{flag}` needs a number"))?
            .replace('_', "")
            .parse()
            .with_context(|| format!("`{flag}` needs a number"))?;
        let out = PathBuf::from(args.get(2).context("give the output folder")?);
        let bytes = if flag == "--policy-files" {
            policy_files(count, 7, &out)?
        } else {
            policy_files_stress(count, 7, &out)?
        };
        eprintln!(
            "corpus: {count} policy files, {:.1} MiB in `{}`",
            bytes as f64 / 1048576.0,
            out.display()
        );
        return Ok(());
    }
    let options = parse(args)?;
    let bytes = generate(&options)?;
    eprintln!(
        "corpus: {} roles, {} functions, {:.1} MiB in `{}`",
        options.roles,
        options.functions,
        bytes as f64 / 1048576.0,
        options.out.display()
    );
    Ok(())
}

const ACCOUNT: &str = "111122223333";
const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];
const TEAMS: &[&str] = &[
    "orders", "payments", "search", "media", "billing", "identity", "catalog", "shipping",
];

fn write_json(path: &Path, value: &Value) -> Result<usize> {
    let text = serde_json::to_string_pretty(value)?;
    let mut file =
        fs::File::create(path).with_context(|| format!("cannot write `{}`", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(text.len())
}

fn managed(name: &str, path: &str) -> String {
    format!("arn:aws:iam::aws:policy{path}{name}")
}

/// What one function looks like.
struct Plan {
    name: String,
    region: &'static str,
    role: usize,
    team: &'static str,
    source: Option<(&'static str, String)>,
    vpc: bool,
    tracing: bool,
    invoker: Option<&'static str>,
}

/// Generates the corpus; returns the number of bytes written.
pub fn generate(options: &Options) -> Result<usize> {
    let mut rng = Rng::new(options.seed);
    fs::create_dir_all(&options.out)?;
    let out = &options.out;
    let mut bytes = 0;
    let roles = options.roles.max(1);

    // Functions: each gets a role (most their own; some share).
    let mut plans = Vec::with_capacity(options.functions);
    for i in 0..options.functions {
        let team = TEAMS[rng.below(TEAMS.len())];
        let region = REGIONS[rng.below(REGIONS.len())];
        let name = format!("{team}-fn-{i:06}");
        let role = if i < roles && !rng.chance(8) {
            i
        } else {
            rng.below(roles)
        };
        let source = match rng.below(10) {
            0 | 1 => Some(("sqs", format!("arn:aws:sqs:{region}:{ACCOUNT}:{team}-queue-{i}"))),
            2 => Some(("kinesis", format!("arn:aws:kinesis:{region}:{ACCOUNT}:stream/{team}-stream-{}", i % 97))),
            3 => Some(("dynamodb", format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/{team}-{}/stream/2025-01-01T00:00:00.000", i % 53))),
            _ => None,
        };
        let invoker = match rng.below(10) {
            0 | 1 => Some("s3"),
            2 => Some("sns"),
            3 => Some("apigateway"),
            4 => Some("events"),
            _ => None,
        };
        plans.push(Plan {
            name,
            region,
            role,
            team,
            source,
            vpc: rng.chance(15),
            tracing: rng.chance(20),
            invoker,
        });
    }

    // Customer managed policies shared by many roles, and boundaries.
    let shared: Vec<(String, Value)> = (0..50)
        .map(|i| {
            let team = TEAMS[i % TEAMS.len()];
            let arn = format!("arn:aws:iam::{ACCOUNT}:policy/shared/{team}-common-{i}");
            let doc = json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "ReadConfig", "Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParametersByPath"],
                 "Resource": format!("arn:aws:ssm:*:{ACCOUNT}:parameter/{team}/*")},
                {"Sid": "Secrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                 "Resource": format!("arn:aws:secretsmanager:*:{ACCOUNT}:secret:{team}/*"),
                 "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
            ]});
            (arn, doc)
        })
        .collect();
    let boundary_arn = format!("arn:aws:iam::{ACCOUNT}:policy/platform/lambda-boundary");
    let boundary = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": ["iam:PassRole"], "Resource": "*"}
    ]});

    // Roles, paginated 1,000 per file like `--max-items` dumps.
    let aws_managed_needed = [
        ("AWSLambdaBasicExecutionRole", "/service-role/"),
        ("AWSLambdaSQSQueueExecutionRole", "/service-role/"),
        ("AWSLambdaKinesisExecutionRole", "/service-role/"),
        ("AWSLambdaDynamoDBExecutionRole", "/service-role/"),
        ("AWSLambdaVPCAccessExecutionRole", "/service-role/"),
        ("AWSXRayDaemonWriteAccess", "/"),
        ("AdministratorAccess", "/"),
    ];
    let mut role_functions: Vec<Vec<usize>> = vec![Vec::new(); roles];
    for (i, p) in plans.iter().enumerate() {
        role_functions[p.role].push(i);
    }
    let mut page = Vec::new();
    let mut page_number = 0;
    let flush = |page: &mut Vec<Value>,
                 page_number: &mut usize,
                 policies: Vec<Value>|
     -> Result<usize> {
        *page_number += 1;
        let doc = json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": std::mem::take(page), "Policies": policies});
        let name = if options.merged {
            "iam-authorization-details.json".to_owned()
        } else {
            format!("iam-authorization-details-{page_number:04}.json")
        };
        write_json(&out.join(name), &doc)
    };
    for r in 0..roles {
        let functions = &role_functions[r];
        let team = functions
            .first()
            .map_or(TEAMS[r % TEAMS.len()], |f| plans[*f].team);
        let name = format!("{team}-role-{r:06}");
        let mut attached = vec![
            json!({"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": managed("AWSLambdaBasicExecutionRole", "/service-role/")}),
        ];
        let mut inline = Vec::new();
        let broken = rng.chance(3);
        for f in functions {
            let p = &plans[*f];
            match (&p.source, broken) {
                (Some(("sqs", arn)), false) => {
                    if rng.chance(50) {
                        attached.push(json!({"PolicyName": "AWSLambdaSQSQueueExecutionRole", "PolicyArn": managed("AWSLambdaSQSQueueExecutionRole", "/service-role/")}));
                    } else {
                        inline.push(json!({"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Resource": arn}));
                    }
                }
                (Some(("kinesis", _)), false) => attached.push(json!({"PolicyName": "AWSLambdaKinesisExecutionRole", "PolicyArn": managed("AWSLambdaKinesisExecutionRole", "/service-role/")})),
                (Some(("dynamodb", arn)), false) => inline.push(json!({"Effect": "Allow", "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], "Resource": [arn, "*"]})),
                _ => {}
            }
            if p.vpc && !rng.chance(5) {
                attached.push(json!({"PolicyName": "AWSLambdaVPCAccessExecutionRole", "PolicyArn": managed("AWSLambdaVPCAccessExecutionRole", "/service-role/")}));
            }
            if p.tracing {
                attached.push(json!({"PolicyName": "AWSXRayDaemonWriteAccess", "PolicyArn": managed("AWSXRayDaemonWriteAccess", "/")}));
            }
            inline.push(json!({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": format!("arn:aws:dynamodb:{}:{ACCOUNT}:table/{}-{}", p.region, p.team, f % 53)}));
        }
        if rng.chance(2) {
            attached.push(json!({"PolicyName": "AdministratorAccess", "PolicyArn": managed("AdministratorAccess", "/")}));
        }
        attached.push(json!({"PolicyName": "shared", "PolicyArn": shared[r % shared.len()].0}));
        attached.sort_by_key(|a| a["PolicyArn"].as_str().map(str::to_owned));
        attached.dedup();
        let trust = if rng.chance(2) {
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        } else {
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        };
        let mut role = json!({
            "Path": "/service-role/",
            "RoleName": name,
            "RoleId": format!("AROA{:016X}", rng.next()),
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/service-role/{name}"),
            "CreateDate": "2025-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": if inline.is_empty() { json!([]) } else {
                json!([{"PolicyName": format!("{name}-access"), "PolicyDocument": {"Version": "2012-10-17", "Statement": inline}}])
            },
            "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "team", "Value": team}],
            "RoleLastUsed": {}
        });
        if rng.chance(30) {
            role["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary_arn});
        }
        page.push(role);
        if page.len() == 1000 && !options.merged {
            bytes += flush(&mut page, &mut page_number, Vec::new())?;
        }
    }
    // The last page carries the managed policies (as the CLI's last page does).
    let mut policies: Vec<Value> = shared
        .iter()
        .map(|(arn, doc)| policy_entry(arn, doc))
        .collect();
    policies.push(policy_entry(&boundary_arn, &boundary));
    if let Ok(set) = policy_core::managed::aws_managed_policies() {
        for (name, path) in aws_managed_needed {
            if let Some(p) = set.get_by_arn(&managed(name, path)) {
                policies.push(policy_entry(p.arn(), p.document()));
            }
        }
    }
    bytes += flush(&mut page, &mut page_number, policies)?;

    // Functions, 50 a page; mappings; resource policies.
    let functions_a_page = if options.merged {
        plans.len().max(1)
    } else {
        50
    };
    for (n, chunk) in plans.chunks(functions_a_page).enumerate() {
        let functions: Vec<Value> = chunk
            .iter()
            .map(|p| {
                let role_team = role_functions[p.role].first().map_or(TEAMS[p.role % TEAMS.len()], |f| plans[*f].team);
                let mut f = json!({
                    "FunctionName": p.name,
                    "FunctionArn": format!("arn:aws:lambda:{}:{ACCOUNT}:function:{}", p.region, p.name),
                    "Runtime": "python3.12",
                    "Role": format!("arn:aws:iam::{ACCOUNT}:role/service-role/{role_team}-role-{:06}", p.role),
                    "Handler": "app.handler",
                    "CodeSize": 2048,
                    "Timeout": 30,
                    "MemorySize": 256,
                    "LastModified": "2025-01-01T00:00:00.000+0000",
                    "Version": "$LATEST",
                    "TracingConfig": {"Mode": if p.tracing { "Active" } else { "PassThrough" }},
                    "PackageType": "Zip",
                    "Architectures": ["arm64"],
                    "LoggingConfig": {"LogFormat": "Text", "LogGroup": format!("/aws/lambda/{}", p.name)}
                });
                if p.vpc {
                    f["VpcConfig"] = json!({"SubnetIds": ["subnet-0a1b2c3d", "subnet-1b2c3d4e"], "SecurityGroupIds": ["sg-0a1b2c3d"], "VpcId": "vpc-0a1b2c3d"});
                }
                f
            })
            .collect();
        let name = if options.merged {
            "lambda-list-functions.json".to_owned()
        } else {
            format!("lambda-list-functions-{:04}.json", n + 1)
        };
        bytes += write_json(&out.join(name), &json!({"Functions": functions}))?;
    }
    let mappings: Vec<Value> = plans
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let (_, source) = p.source.as_ref()?;
            let uuid = format!("{:08x}-0000-4000-8000-{:012x}", i, i);
            Some(json!({
                "UUID": uuid,
                "BatchSize": 10,
                "EventSourceArn": source,
                "FunctionArn": format!("arn:aws:lambda:{}:{ACCOUNT}:function:{}", p.region, p.name),
                "LastModified": "2025-01-01T00:00:00.000000+00:00",
                "State": "Enabled",
                "StateTransitionReason": "USER_INITIATED",
                "EventSourceMappingArn": format!("arn:aws:lambda:{}:{ACCOUNT}:event-source-mapping:{uuid}", p.region)
            }))
        })
        .collect();
    bytes += write_json(
        &out.join("lambda-list-event-source-mappings.json"),
        &json!({"EventSourceMappings": mappings}),
    )?;
    let policy_dir = out.join("policies");
    fs::create_dir_all(&policy_dir)?;
    for p in &plans {
        let Some(invoker) = p.invoker else { continue };
        let function = format!("arn:aws:lambda:{}:{ACCOUNT}:function:{}", p.region, p.name);
        let (principal, mut condition) = match invoker {
            "s3" => (
                "s3.amazonaws.com",
                json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:s3:::{}-uploads", p.team)}, "StringEquals": {"AWS:SourceAccount": ACCOUNT}}),
            ),
            "sns" => (
                "sns.amazonaws.com",
                json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:sns:{}:{ACCOUNT}:{}-events", p.region, p.team)}}),
            ),
            "apigateway" => (
                "apigateway.amazonaws.com",
                json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:execute-api:{}:{ACCOUNT}:abc123/*/POST/{}", p.region, p.team)}}),
            ),
            _ => (
                "events.amazonaws.com",
                json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:events:{}:{ACCOUNT}:rule/{}-nightly", p.region, p.team)}}),
            ),
        };
        // Misconfigurations: a dropped condition, a public grant.
        if rng.chance(4) {
            condition = json!({});
        }
        let mut statements = vec![
            json!({"Sid": format!("{invoker}-invoke"), "Effect": "Allow", "Principal": {"Service": principal},
            "Action": "lambda:InvokeFunction", "Resource": function, "Condition": condition}),
        ];
        if rng.chance(2) {
            statements.push(json!({"Sid": "public", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": function}));
        }
        let policy = json!({"Version": "2012-10-17", "Id": "default", "Statement": statements});
        let output =
            json!({"Policy": policy.to_string(), "RevisionId": format!("{:032x}", rng.next())});
        bytes += write_json(
            &policy_dir.join(format!("lambda-get-policy-{}.json", p.name)),
            &output,
        )?;
    }
    Ok(bytes)
}

fn policy_entry(arn: &str, document: &Value) -> Value {
    // A stable id from the ARN (FNV-1a), as AWS gives each policy one.
    let id = arn.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    json!({
        "PolicyName": arn.rsplit('/').next().unwrap_or(arn),
        "PolicyId": format!("ANPA{id:016X}"),
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 1,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": true,
        "CreateDate": "2025-01-01T00:00:00Z",
        "UpdateDate": "2025-01-01T00:00:00Z",
        "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2025-01-01T00:00:00Z"}]
    })
}

/// Writes `count` stand-alone policy files of the shapes teams keep in their
/// repositories, for the policy-linting benchmark: identity policies for
/// functions whose statements each grant one service's actions on that
/// service's resources, with a share of the mistakes the POL rules find
/// (an action of another service, `Resource: "*"`, wildcards, a typo, a
/// missing `Version`, `NotAction`), at about the rate they occur in real
/// repositories rather than in every statement.
pub fn policy_files(count: usize, seed: u64, out: &Path) -> Result<usize> {
    let mut rng = Rng::new(seed);
    fs::create_dir_all(out)?;
    let mut bytes = 0;
    for i in 0..count {
        let team = TEAMS[rng.below(TEAMS.len())];
        let statements: Vec<Value> = (0..1 + rng.below(4))
            .map(|s| policy_statement(&mut rng, team, i, s))
            .collect();
        let mut doc = json!({"Version": "2012-10-17", "Statement": statements});
        if rng.chance(3) {
            if let Some(map) = doc.as_object_mut() {
                map.remove("Version");
            }
        }
        bytes += write_json(&out.join(format!("{team}-policy-{i:06}.json")), &doc)?;
    }
    Ok(bytes)
}

/// Writes `count` stand-alone policy files that stress a linter: every
/// statement grants actions picked at random across services, wildcards
/// among them, on resources picked at random, so most actions are checked
/// against resources of another service and most files have several
/// findings. The policy-linting benchmark runs on these and on the
/// realistic files of [`policy_files`].
pub fn policy_files_stress(count: usize, seed: u64, out: &Path) -> Result<usize> {
    let mut rng = Rng::new(seed);
    fs::create_dir_all(out)?;
    const ACTIONS: &[&str] = &[
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sns:Publish",
        "kms:Decrypt",
        "secretsmanager:GetSecretValue",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "lambda:InvokeFunction",
        "events:PutEvents",
        "ssm:GetParameter",
        "xray:PutTraceSegments",
        "ec2:DescribeNetworkInterfaces",
        "iam:PassRole",
        "s3:*",
        "dynamodb:*",
        "lambda:InvokeFuntion",
    ];
    let mut bytes = 0;
    for i in 0..count {
        let team = TEAMS[rng.below(TEAMS.len())];
        let statements: Vec<Value> = (0..1 + rng.below(5))
            .map(|s| {
                let actions: Vec<&str> = (0..1 + rng.below(4)).map(|_| ACTIONS[rng.below(ACTIONS.len())]).collect();
                let resource = match rng.below(6) {
                    0 => json!("*"),
                    1 => json!(format!("arn:aws:s3:::{team}-data-{}/*", i % 17)),
                    2 => json!(format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{team}-{}", i % 23)),
                    3 => json!([format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{team}-queue"), format!("arn:aws:sns:us-east-1:{ACCOUNT}:{team}-topic")]),
                    4 => json!(format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/{team}-fn-{i}:*")),
                    _ => json!(format!("arn:aws:s3:::{team}-exports")),
                };
                let mut statement = json!({"Sid": format!("S{s}"), "Effect": if rng.chance(10) { "Deny" } else { "Allow" }, "Action": actions, "Resource": resource});
                if rng.chance(25) {
                    statement["Condition"] = json!({"StringEquals": {"aws:ResourceTag/team": team}, "Bool": {"aws:SecureTransport": "true"}});
                }
                statement
            })
            .collect();
        let mut doc = json!({"Version": "2012-10-17", "Statement": statements});
        if rng.chance(5) {
            if let Some(map) = doc.as_object_mut() {
                map.remove("Version");
            }
        }
        bytes += write_json(&out.join(format!("{team}-policy-{i:06}.json")), &doc)?;
    }
    Ok(bytes)
}

/// One statement of a function's policy: a service's actions on its
/// resources, sometimes with a mistake.
fn policy_statement(rng: &mut Rng, team: &str, i: usize, s: usize) -> Value {
    let region = REGIONS[rng.below(REGIONS.len())];
    let resources = |rng: &mut Rng, service: usize| -> Vec<String> {
        let n = i % 23;
        match service {
            0 => vec![format!(
                "arn:aws:dynamodb:{region}:{ACCOUNT}:table/{team}-{n}"
            )],
            1 => vec![format!("arn:aws:s3:::{team}-data-{}/*", i % 17)],
            2 => vec![format!("arn:aws:sqs:{region}:{ACCOUNT}:{team}-queue-{n}")],
            3 => vec![format!("arn:aws:sns:{region}:{ACCOUNT}:{team}-topic")],
            4 => vec![format!(
                "arn:aws:kms:{region}:{ACCOUNT}:key/{:08x}-0000-4000-8000-{n:012}",
                i
            )],
            5 => vec![format!(
                "arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{team}/db-*"
            )],
            6 => vec![format!(
                "arn:aws:logs:{region}:{ACCOUNT}:log-group:/aws/lambda/{team}-fn-{i}:*"
            )],
            7 => vec![format!(
                "arn:aws:lambda:{region}:{ACCOUNT}:function:{team}-fn-{}",
                (i + 1) % 97
            )],
            8 => vec![format!(
                "arn:aws:events:{region}:{ACCOUNT}:event-bus/{team}"
            )],
            9 => vec![format!("arn:aws:ssm:{region}:{ACCOUNT}:parameter/{team}/*")],
            10 => vec!["*".to_owned()],
            _ => {
                if rng.chance(30) {
                    vec!["*".to_owned()]
                } else {
                    vec![format!("arn:aws:iam::{ACCOUNT}:role/{team}-worker-role")]
                }
            }
        }
    };
    const ACTIONS: &[&[&str]] = &[
        &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
        ],
        &["s3:GetObject", "s3:PutObject"],
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:SendMessage",
        ],
        &["sns:Publish"],
        &["kms:Decrypt", "kms:GenerateDataKey"],
        &["secretsmanager:GetSecretValue"],
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        &["lambda:InvokeFunction"],
        &["events:PutEvents"],
        &["ssm:GetParameter", "ssm:GetParameters"],
        &[
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "ec2:DescribeNetworkInterfaces",
        ],
        &["iam:PassRole"],
    ];
    let service = rng.below(ACTIONS.len());
    let own = ACTIONS[service];
    let mut actions: Vec<String> = (0..1 + rng.below(own.len()))
        .map(|_| own[rng.below(own.len())].to_owned())
        .collect();
    actions.dedup();
    let mut resource = resources(rng, service);
    // The mistakes, each in a share of statements.
    if rng.chance(6) {
        // An action of another service, on this service's resources.
        let other = ACTIONS[rng.below(ACTIONS.len())];
        actions.push(other[rng.below(other.len())].to_owned());
    }
    if rng.chance(5) {
        resource = vec!["*".to_owned()];
    }
    if rng.chance(4) {
        let prefix = own[0].split(':').next().unwrap_or("s3");
        actions = vec![format!("{prefix}:*")];
    }
    if rng.chance(2) {
        actions.push("lambda:InvokeFuntion".to_owned());
    }
    let effect = if rng.chance(5) { "Deny" } else { "Allow" };
    let action_key = if effect == "Allow" && rng.chance(1) {
        "NotAction"
    } else {
        "Action"
    };
    let mut statement = json!({"Sid": format!("S{s}"), "Effect": effect, action_key: actions, "Resource": resource});
    if rng.chance(15) {
        statement["Condition"] = json!({"StringEquals": {"aws:ResourceTag/team": team}, "Bool": {"aws:SecureTransport": "true"}});
    }
    statement
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--roles` defaults to one role per function, at least one; asking
    /// for none is refused, as every function needs an execution role.
    #[test]
    fn role_count_is_one_at_least() {
        let args = |text: &str| -> Vec<String> { text.split(' ').map(str::to_owned).collect() };
        assert_eq!(parse(&args("--functions 30 out")).unwrap().roles, 30);
        assert_eq!(parse(&args("--functions 0 out")).unwrap().roles, 1);
        assert_eq!(
            parse(&args("--roles 5 --functions 30 out")).unwrap().roles,
            5
        );
        let refused = parse(&args("--roles 0 --functions 30 out")).err().unwrap();
        assert!(
            refused.to_string().contains("--roles 1 or more"),
            "{refused}"
        );
    }

    /// The same account written in pages and merged (as the AWS CLI prints
    /// it) is the same account to rolecall: the same findings on the same
    /// resources, each located in its file (the merged authorization
    /// details are large enough to be read in parallel).
    #[test]
    fn paged_and_merged_dumps_give_the_same_findings() {
        policy_rules::link();
        let base = std::env::temp_dir().join(format!("rolecall-corpus-{}", std::process::id()));
        let findings = |merged: bool| -> Vec<(String, String, String, bool)> {
            let out = base.join(if merged { "merged" } else { "paged" });
            generate(&Options {
                roles: 2_100,
                functions: 2_100,
                seed: 3,
                out: out.clone(),
                merged,
            })
            .unwrap();
            let pages = fs::read_dir(&out)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("iam-"))
                })
                .count();
            assert_eq!(pages, if merged { 1 } else { 3 });
            let account = policy_core::ingest::ingest(&[out], &|_: &str| None);
            assert!(account.problems.is_empty(), "{:?}", account.problems);
            let selection = policy_core::lint::RuleSelection {
                rules: policy_core::lint::builtin_rules().unwrap(),
                ..Default::default()
            };
            let mut found: Vec<_> = policy_core::lint::run(&account, &selection)
                .findings
                .into_iter()
                .map(|f| {
                    let located = f.location.as_ref().is_none_or(|l| l.line.is_some());
                    (
                        f.code.into_owned(),
                        f.resource.to_string(),
                        f.message,
                        located,
                    )
                })
                .collect();
            found.sort();
            found
        };
        let paged = findings(false);
        let merged = findings(true);
        let _ = fs::remove_dir_all(&base);
        assert!(paged.len() > 100, "{}", paged.len());
        assert!(paged.iter().all(|f| f.3), "a finding without its line");
        assert_eq!(paged, merged);
    }
}
