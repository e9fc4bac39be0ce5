use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::Role;

/// AWS managed policies far broader than any one function needs.
const BROAD: &[(&str, &str)] = &[
    ("AdministratorAccess", "every action on every resource"),
    (
        "PowerUserAccess",
        "every action outside IAM and Organizations",
    ),
    ("IAMFullAccess", "all of IAM"),
    (
        "AWSLambda_FullAccess",
        "managing every function (and passing roles to them)",
    ),
    ("AWSLambdaFullAccess", "managing every function"),
    ("AWSLambdaRole", "invoking every function"),
    ("AmazonS3FullAccess", "every bucket"),
    ("AmazonDynamoDBFullAccess", "every table"),
    ("AmazonSQSFullAccess", "every queue"),
    ("AmazonSNSFullAccess", "every topic"),
    ("AmazonKinesisFullAccess", "every stream"),
    ("SecretsManagerReadWrite", "every secret"),
    ("AmazonEC2FullAccess", "all of EC2"),
    ("CloudWatchFullAccess", "all of CloudWatch"),
];

declare_rule! {
    /// ## What it does
    /// Flags broad AWS managed policies attached to an execution role:
    /// `AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`,
    /// `AWSLambda_FullAccess`, `AWSLambdaRole` (invoke any function), and the
    /// `*FullAccess` policies of data services.
    ///
    /// ## Why is this bad?
    /// A function needs a few actions on a few resources; these grant a whole
    /// service or the whole account to any code that runs in it.
    ///
    /// ## Example
    /// `AWSLambda_FullAccess` attached to a worker function's role.
    ///
    /// ## Fix
    /// Replace it with an inline or customer managed policy naming the
    /// function's own resources.
    pub struct BroadManagedPolicy {
        code: "EXR012",
        name: "broad-managed-policy",
        category: Security,
        severity: Warning,
        summary: "a broad AWS managed policy is attached to an execution role",
    }
}

impl Rule for BroadManagedPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_role(&self, cx: &Context<'_>, role: &Role, out: &mut Findings) {
        if cx.functions_using(&role.arn).is_empty() {
            return;
        }
        for attached in &role.attached_policies {
            if !policy_core::model::is_aws_managed_policy_arn(attached) {
                continue;
            }
            let name = attached.rsplit('/').next().unwrap_or(attached);
            let Some((_, grants)) = BROAD.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            out.report(&role.arn, format!("execution role `{}` has the AWS managed policy `{name}`, which grants {grants}", role.name))
                .at(cx.location(role.source.as_ref()))
                .help("replace it with a policy naming the function's own actions and resources");
        }
    }
}
