//! `rolecall rules [CODE|NAME]`: the catalog, or one rule's documentation.

use clap::Args;
use policy_core::lint::builtin_rules;

use crate::config::resolve_selector;
use crate::{EXIT_INCOMPLETE, EXIT_OK};

#[derive(Args)]
pub struct RulesArgs {
    /// A rule code, name or prefix; without it, every rule is listed.
    rule: Option<String>,
    /// Also list the rules of this plugin (repeatable).
    #[arg(long = "plugin", value_name = "PATH")]
    plugins: Vec<std::path::PathBuf>,
    /// Load plugins in child processes.
    #[arg(long)]
    isolate_plugins: bool,
}

pub fn run(args: RulesArgs) -> anyhow::Result<u8> {
    let mut rules = builtin_rules().map_err(anyhow::Error::msg)?;
    let (plugin_rules, errors) =
        crate::plugin_host::load_all(&args.plugins, args.isolate_plugins, &rules);
    rules.extend(plugin_rules);
    for e in &errors {
        eprintln!("error: {e}");
    }
    let Some(selector) = args.rule else {
        for r in &rules {
            let m = r.meta();
            outln!(
                "{:<7} {:<7} {:<34} {}",
                m.code,
                m.default_severity.as_str(),
                m.name,
                m.summary
            );
        }
        return Ok(EXIT_OK);
    };
    match resolve_selector(&selector, &rules) {
        Ok(codes) => {
            for (i, code) in codes.iter().enumerate() {
                let Some(rule) = rules.iter().find(|r| r.meta().code == code) else {
                    continue;
                };
                let m = rule.meta();
                if i > 0 {
                    outln!();
                }
                outln!(
                    "# {} {} ({}, {})\n",
                    m.code,
                    m.name,
                    m.default_severity.as_str(),
                    m.category.as_str()
                );
                outln!("{}", m.summary);
                outln!(
                    "\n{}",
                    m.docs
                        .lines()
                        .map(str::trim_start)
                        .collect::<Vec<_>>()
                        .join("\n")
                        .trim_end()
                );
            }
            Ok(EXIT_OK)
        }
        Err(message) => {
            eprintln!("error: {message}");
            Ok(EXIT_INCOMPLETE)
        }
    }
}
