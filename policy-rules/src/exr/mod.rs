//! EXR — the execution role: what the function can do.

mod admin_execution_role;
mod broad_managed_policy;
mod event_source_not_readable;
mod execution_role_can_escalate;
mod execution_role_trust_too_broad;
mod failure_destination_not_writable;
mod kms_key_not_usable;
mod logs_not_writable;
mod role_missing;
mod role_not_assumable_by_lambda;
mod shared_execution_role;
mod tracing_not_writable;
mod unused_managed_policy;
mod vpc_access_missing;
