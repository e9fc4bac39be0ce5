//! rolecall's core: the IAM policy model and an exact evaluator.
//!
//! - [`policy`]: the policy grammar as typed values, parsed with a
//!   diagnostic (JSON pointer + message + help) for every problem.
//! - [`eval`]: compiled policies and the evaluator, answering `Allow`,
//!   `ExplicitDeny` or `ImplicitDeny` with the statements that decided.
//! - [`arn`], [`glob`]: ARNs and IAM wildcard matching.
//! - [`locate`]: turns a JSON pointer into a line and column for reports.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod arn;
pub mod catalog;
pub mod diagnostic;
pub mod eval;
pub mod glob;
mod gzip;
pub mod ingest;
pub mod lambda_needs;
pub mod lint;
pub mod locate;
pub mod managed;
pub mod model;
pub mod plugin;
pub mod policy;
pub mod suggest;

#[doc(hidden)]
pub use inventory;
#[doc(hidden)]
pub use serde_json;
