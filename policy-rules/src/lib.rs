//! rolecall's built-in rules, one module per rule. Each rule is declared
//! with [`policy_core::declare_rule!`]: its doc comment is its documentation
//! and the macro registers it with `inventory`.
#![forbid(unsafe_code)]

pub mod docs;
pub mod exr;
pub mod pol;
pub mod rbp;

/// Links this crate: the binary calls it so the linker keeps the
/// registrations of every rule.
pub fn link() {}
