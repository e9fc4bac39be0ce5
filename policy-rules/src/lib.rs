//! rolecall's built-in rules, one module per rule.
//!
//! The rule engine lands with the `check` command; until then this crate only
//! fixes its place in the workspace.
#![forbid(unsafe_code)]
