//! `rolecall who-can ACTION RESOURCE --account PATH`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use policy_core::access::who_can;
use serde_json::json;

use crate::account_input;
use crate::{EXIT_INCOMPLETE, EXIT_OK};

#[derive(Args)]
pub struct WhoCanArgs {
    /// The action, e.g. `lambda:InvokeFunction`.
    action: String,
    /// The resource ARN (a function, version, alias, role, …).
    resource: String,
    /// The account dump: folders and files of AWS CLI JSON output (repeatable).
    #[arg(long = "account", short = 'a', value_name = "PATH", required = true)]
    accounts: Vec<PathBuf>,
    /// The account owning the resource, for ARNs that do not carry one (S3).
    #[arg(long, value_name = "ACCOUNT")]
    resource_account: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub fn run(args: WhoCanArgs) -> anyhow::Result<u8> {
    let account = account_input::load(&args.accounts);
    let incomplete = account_input::report_problems(&account);
    let answer = who_can(
        &account,
        &args.action,
        &args.resource,
        args.resource_account.as_deref(),
    );
    match args.format {
        Format::Json => {
            let allowed: Vec<_> = answer
                .allowed
                .iter()
                .map(|a| {
                    json!({
                        "principal": a.principal,
                        "type": a.category.name(),
                        "in_dump": a.in_dump,
                        "conditions": a.conditions,
                        "granted_by": a.granted_by,
                    })
                })
                .collect();
            let document = json!({
                "action": args.action,
                "resource": args.resource,
                "resource_policy_found": answer.resource_policy.is_some(),
                "allowed": allowed,
            });
            outln!("{}", serde_json::to_string_pretty(&document)?);
        }
        Format::Human => {
            if answer.allowed.is_empty() {
                outln!(
                    "nobody in the dump may {} on {}",
                    args.action,
                    args.resource
                );
            } else {
                outln!("who can {} on {}:", args.action, args.resource);
            }
            for a in &answer.allowed {
                use policy_core::access::PrincipalCategory as C;
                let outside = match a.category {
                    _ if a.in_dump => "",
                    C::Account => " (any principal of that account whose own policies allow it)",
                    C::Role | C::User | C::Session => {
                        " (outside the dump: if its own policies allow it)"
                    }
                    C::Public | C::Service | C::Federated => "",
                };
                outln!("\n  {} {}{outside}", a.category.name(), a.principal);
                for c in &a.conditions {
                    outln!("    when {c}");
                }
                for g in &a.granted_by {
                    outln!("    granted by {g}");
                }
            }
            if answer.resource_policy.is_none() {
                outln!(
                    "\nnote: the dump has no resource policy for {}",
                    args.resource
                );
            }
        }
    }
    Ok(if incomplete { EXIT_INCOMPLETE } else { EXIT_OK })
}
