//! The built-in rule EXR004 (event-source-not-readable), exported as a
//! plugin: `cargo xtask bench` runs both on the same account and compares
//! the time, which is the cost of the plugin boundary (serializing the
//! model, reading it back and compiling its policies in the plugin).

policy_core::export_plugin! {
    name: "twin",
    rules: [policy_rules::exr::event_source_not_readable::EventSourceNotReadable],
}
