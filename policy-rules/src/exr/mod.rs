//! EXR — the execution role: what the function can do.

pub mod admin_execution_role;
pub mod broad_managed_policy;
pub mod event_source_not_readable;
pub mod execution_role_can_escalate;
pub mod execution_role_trust_too_broad;
pub mod failure_destination_not_writable;
pub mod kms_key_not_usable;
pub mod logs_not_writable;
pub mod role_missing;
pub mod role_not_assumable_by_lambda;
pub mod shared_execution_role;
pub mod tracing_not_writable;
pub mod unused_managed_policy;
pub mod vpc_access_missing;
