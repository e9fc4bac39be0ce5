//! `cargo xtask new-plugin NAME [--dir DIR]`: scaffolds a rule plugin crate
//! from plugins/template that builds and loads as it is.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::root;

pub fn run(args: &[String]) -> Result<()> {
    let mut name = None;
    let mut dir = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--dir" => {
                dir = Some(PathBuf::from(
                    iter.next().context("`--dir` needs a folder")?,
                ))
            }
            other if name.is_none() && !other.starts_with('-') => name = Some(other.to_owned()),
            other => bail!("unexpected `{other}`; usage: cargo xtask new-plugin NAME [--dir DIR]"),
        }
    }
    let Some(name) = name else {
        bail!("usage: cargo xtask new-plugin NAME [--dir DIR]")
    };
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid || name.starts_with('-') {
        bail!("`{name}` is not a plugin name: use lower-case letters, digits and `-`");
    }
    let crate_name = format!("rolecall-plugin-{name}");
    let dir = dir.unwrap_or_else(|| root().join("plugins").join(&name));
    if dir.exists() {
        bail!("`{}` already exists", dir.display());
    }
    let template = root().join("plugins").join("template");
    let policy_core = root().join("policy-core");
    let fill = |text: &str| {
        text.replace("{{name}}", &name)
            .replace("{{crate}}", &crate_name)
            .replace("{{lib}}", &crate_name.replace('-', "_"))
            .replace("{{policy_core}}", &policy_core.display().to_string())
    };
    std::fs::create_dir_all(dir.join("src"))?;
    for (from, to) in [
        ("Cargo.toml.in", "Cargo.toml"),
        ("src/lib.rs.in", "src/lib.rs"),
    ] {
        let text = std::fs::read_to_string(template.join(from))
            .with_context(|| format!("cannot read the template `{from}`"))?;
        std::fs::write(dir.join(to), fill(&text))?;
    }
    eprintln!(
        "created `{}`; build it with `cargo build --release --manifest-path {}/Cargo.toml`",
        dir.display(),
        dir.display()
    );
    Ok(())
}
