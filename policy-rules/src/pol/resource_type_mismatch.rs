use policy_core::catalog::{catalog, placeholders_as_wildcards, Addressing};
use policy_core::declare_rule;
use policy_core::lint::{Context, Findings, Rule, RuleMeta};
use policy_core::model::PolicyRecord;

use super::{subject, user_document};

declare_rule! {
    /// ## What it does
    /// For each action of a statement (wildcards expanded through the action
    /// catalog), checks whether any of the statement's resources can be a
    /// resource that action takes, by the catalog's ARN patterns. Reports an
    /// action pattern only when no listed resource fits any action it
    /// expands to; `NotResource` lists are not judged. A resource's `*`
    /// may span colons, as in IAM (AWS's own policies rely on it:
    /// `arn:aws:logs:*:*:/aws-glue/*`). The catalog's placeholders are read
    /// as real ARNs fill them (no `:` in a region, account, identifier, log
    /// stream or destination, SSM parameter, queue, topic, table, index,
    /// stream, repository, bucket, event bus, rule, KMS alias, ECS cluster
    /// or service, CodeBuild project or Step Functions state machine or
    /// activity name, each as AWS's naming rules say), no `/` in a bucket, table, queue,
    /// topic, stream or function name, no leading `/` in an SSM parameter
    /// name), so `arn:aws:ec2:*:*:volume/*` is no instance,
    /// `arn:aws:s3:::orders/*` no bucket,
    /// `arn:aws:logs:*:*:log-group:/aws/lambda/orders` no log stream,
    /// `arn:aws:ecr:*:*:repository/app:v1` no repository (a tag is not part
    /// of it) and `arn:aws:ssm:*:*:parameter//app/key` no parameter (the
    /// parameter `/app/key` is `parameter/app/key`). CloudWatch Logs'
    /// `UntagResource` and `ListTagsForResource` take a log group's ARN
    /// without the `:*` its other actions are granted on
    /// (`logs:TagResource` keeps it: it also tags a group as
    /// `CreateLogGroup` creates it), and SNS's subscription actions a
    /// topic's ARN with the subscription after a `:`. An action that
    /// takes only `*` fits `*`, a pattern of every resource of its service
    /// (`arn:aws:s3:::*` for `s3:ListAllMyBuckets`: services authorize such
    /// actions on `*` or on an ARN of their own), and the pseudo-ARN its
    /// service is known to use (`logs:DescribeLogGroups` is authorized on
    /// `…:log-group::log-stream:`).
    ///
    /// ## Why is this bad?
    /// The statement never applies to that action: the grant you meant is
    /// not there (the classic: `s3:GetObject` on the bucket ARN instead of
    /// `bucket/*`).
    ///
    /// ## Example
    /// `{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders-uploads"}`
    ///
    /// ## Fix
    /// Use the ARN of the resource type the action takes (`arn:aws:s3:::orders-uploads/*`).
    pub struct ResourceTypeMismatch {
        code: "POL004",
        name: "resource-type-mismatch",
        category: Correctness,
        severity: Warning,
        summary: "none of the statement's resources can apply to an action",
    }
}

impl Rule for ResourceTypeMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_policy(&self, cx: &Context<'_>, policy: &PolicyRecord, out: &mut Findings) {
        let Some(document) = user_document(policy) else {
            return;
        };
        let Ok(catalog) = catalog() else { return };
        // Whether some resource fits each (type, addressing) compared, for
        // one statement: its actions mostly name the same few types
        // (`s3:GetObject`, `s3:PutObject`, `s3:DeleteObject`).
        let mut fits_type = Vec::new();
        for statement in &document.statements {
            let Some(resources) = statement.resource.as_ref().filter(|r| !r.negated) else {
                continue;
            };
            if statement.action.negated || resources.values.iter().any(|r| r == "*") {
                continue;
            }
            // Placeholders (`${aws:username}`) read as wildcards, once per
            // statement. A resource that is no ARN is POL003's business: a
            // statement of only such resources is not judged here.
            let resources: Vec<std::borrow::Cow<'_, str>> = resources
                .values
                .iter()
                .filter(|r| {
                    r.starts_with("arn:")
                        && (policy_core::arn::split(r).is_some() || r.contains('*'))
                })
                .map(|r| placeholders_as_wildcards(r))
                .collect();
            if resources.is_empty() {
                continue;
            }
            fits_type.clear();
            for (i, pattern) in statement.action.values.iter().enumerate() {
                // A literal name (most of them) is one look-up, no list.
                let (single, expanded);
                let actions = if pattern.contains(['*', '?']) {
                    expanded = catalog.expand(pattern);
                    expanded.as_slice()
                } else {
                    single = catalog.action(pattern);
                    single.as_slice()
                };
                if actions.is_empty() {
                    continue; // POL002's business.
                }
                // A resource fits when some ARN could match both it and the
                // pattern of a type one of the actions takes (placeholders
                // read as wildcards; an action that takes only `*` has no
                // type). A wildcard expands to many actions naming the same
                // few types: each type is compared once per statement (once
                // more for the actions that take it otherwise addressed).
                // The actions that take only `*` are looked at after the
                // types, which settle most statements.
                let fits = actions
                    .iter()
                    .flat_map(|action| action.resource_types())
                    .any(|t| {
                        // The addressing is looked up once per type.
                        let key = (t.resource_type(), t.addressing());
                        if let Some(&(_, fits)) = fits_type.iter().find(|(k, _)| *k == key) {
                            return fits;
                        }
                        let fits = resources.iter().any(|r| key.0.may_be_named_by_as(r, key.1));
                        fits_type.push((key, fits));
                        fits
                    })
                    || actions.iter().any(|action| {
                        resources
                            .iter()
                            .any(|r| action.wildcard_action_may_be_authorized_on(r))
                    });
                if fits {
                    continue;
                }
                // The first three types of the first actions, as examples.
                let mut wanted = String::new();
                for t in actions
                    .iter()
                    .take(3)
                    .flat_map(|a| a.resource_types())
                    .take(3)
                {
                    if !wanted.is_empty() {
                        wanted.push_str(", ");
                    }
                    wanted.push('`');
                    wanted.push_str(t.arn_pattern());
                    wanted.push('`');
                }
                // A resource that would fit if the action took suffixed
                // ARNs, as the type's other actions do: say what to drop.
                let bare_only = actions
                    .iter()
                    .flat_map(|action| action.resource_types())
                    .filter(|t| t.addressing() == Addressing::Bare)
                    .any(|t| {
                        resources
                            .iter()
                            .any(|r| t.resource_type().may_be_named_by(r))
                    });
                // The catalog is the judge: say which, as it can lag AWS.
                let help = if bare_only {
                    format!("`{pattern}` takes the resource's bare ARN: drop the suffix (such as `:*`) that other actions on it are granted with")
                } else if wanted.is_empty() {
                    format!(
                        "`{pattern}` takes only `\"Resource\": \"*\"`: give it a statement of its own with `\"Resource\": \"*\"` (per {})",
                        catalog.label()
                    )
                } else {
                    format!(
                        "`{pattern}` takes resources like {wanted} (per {})",
                        catalog.label()
                    )
                };
                out.report(
                    subject(cx, policy),
                    format!(
                        "statement {}: no resource it lists can apply to `{pattern}`",
                        statement.index
                    ),
                )
                .at(cx.policy_location(policy.id, &statement.action.pointer_of(i)))
                .help(help);
            }
        }
    }
}
