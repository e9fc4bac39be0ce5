//! Borrowed views of the catalog's entries: cheap to copy, and every name
//! they return lives as long as the catalog.

use std::fmt;

use super::resource_fit::Addressing;
use super::{
    AccessLevel, ActionData, Catalog, ConditionKeyType, KeyData, ResourceTypeData, ServiceData,
};

/// One AWS service: its prefix, name, actions, resource types and condition
/// keys.
#[derive(Clone, Copy)]
pub struct ServiceInfo<'a> {
    catalog: &'a Catalog,
    data: &'a ServiceData,
}

impl<'a> ServiceInfo<'a> {
    pub(super) fn new(catalog: &'a Catalog, data: &'a ServiceData) -> Self {
        ServiceInfo { catalog, data }
    }

    /// The prefix actions start with: `lambda`.
    pub fn prefix(&self) -> &'a str {
        self.catalog.str(self.data.prefix)
    }

    /// The service's name: `AWS Lambda`.
    pub fn name(&self) -> &'a str {
        self.catalog.str(self.data.name)
    }

    /// The action `name` of this service (`InvokeFunction`, without the
    /// prefix), ignoring ASCII case.
    pub fn action(&self, name: &str) -> Option<ActionInfo<'a>> {
        self.catalog.find_action([self.prefix(), ":", name])
    }

    /// Every action of the service, sorted by name ignoring ASCII case.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionInfo<'a>> + 'a {
        let catalog = self.catalog;
        catalog.actions[self.data.actions.range()]
            .iter()
            .map(move |a| ActionInfo::new(catalog, a))
    }

    /// The resource type `name` (`function`), ignoring ASCII case.
    pub fn resource_type(&self, name: &str) -> Option<ResourceType<'a>> {
        self.resource_types()
            .find(|r| r.name().eq_ignore_ascii_case(name))
    }

    /// Every resource type the service defines, sorted by name ignoring
    /// ASCII case.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ResourceType<'a>> + 'a {
        let catalog = self.catalog;
        catalog.resource_types[self.data.resource_types.range()]
            .iter()
            .map(move |r| ResourceType::new(catalog, r))
    }

    /// The condition keys the service defines (some carry another service's
    /// prefix, or `aws:`), sorted by name ignoring ASCII case.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'a>> + 'a {
        self.catalog.key_refs(self.data.keys)
    }
}

impl fmt::Debug for ServiceInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceInfo({})", self.prefix())
    }
}

impl PartialEq for ServiceInfo<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.data, other.data)
    }
}

impl Eq for ServiceInfo<'_> {}

/// One IAM action: its canonical name, access level, resource types and
/// condition keys.
#[derive(Clone, Copy)]
pub struct ActionInfo<'a> {
    catalog: &'a Catalog,
    data: &'a ActionData,
}

impl<'a> ActionInfo<'a> {
    pub(super) fn new(catalog: &'a Catalog, data: &'a ActionData) -> Self {
        ActionInfo { catalog, data }
    }

    /// The canonical name, prefix included: `lambda:InvokeFunction`.
    pub fn name(&self) -> &'a str {
        self.catalog.str(self.data.name)
    }

    /// The service prefix: `lambda`.
    pub fn service_prefix(&self) -> &'a str {
        self.service().prefix()
    }

    /// The name without the prefix: `InvokeFunction`.
    pub fn action_name(&self) -> &'a str {
        self.catalog.str(self.data.action_name)
    }

    /// The service the action belongs to.
    pub fn service(&self) -> ServiceInfo<'a> {
        ServiceInfo::new(self.catalog, self.catalog.service_data(self.data.service))
    }

    /// What the action can do.
    pub fn access_level(&self) -> AccessLevel {
        self.data.access
    }

    /// The resource types the action can be scoped to, sorted by name. Empty
    /// when the action takes only `Resource: "*"`.
    ///
    /// The data set marks few resource types required: `s3:GetObject` lists
    /// `object` and `accesspointobject`, neither required. A resource fits
    /// the action when it is any of these types.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ActionResourceType<'a>> + 'a {
        let catalog = self.catalog;
        let action = *self;
        catalog.action_resources[self.data.resources.range()]
            .iter()
            .map(move |&(i, required)| ActionResourceType {
                action,
                // Every stored resource type index was checked when the file
                // was decoded.
                resource_type: ResourceType::new(catalog, &catalog.resource_types[i as usize]),
                required,
            })
    }

    /// Whether the action takes only `Resource: "*"`, because it has no
    /// resource type (`xray:PutTraceSegments`, `lambda:ListFunctions`).
    pub fn accepts_only_wildcard_resource(&self) -> bool {
        self.data.resources.start == self.data.resources.end
    }

    /// For an action that takes only `*`: whether a policy's resource
    /// pattern can name what its service authorizes it on — `*`, a pattern
    /// of every resource of the service (`arn:aws:s3:::*` for
    /// `s3:ListAllMyBuckets`), or a pseudo-ARN the service is known to use
    /// (`…:log-group::log-stream:` for `logs:DescribeLogGroups`, so
    /// `log-group:*` names it). Always false for an action with resource
    /// types (see [`ActionResourceType::may_be_named_by`]).
    pub fn wildcard_action_may_be_authorized_on(&self, resource: &str) -> bool {
        if !self.accepts_only_wildcard_resource() {
            return false;
        }
        let service = self.service();
        let names_the_service = |name: &str| {
            name == service.prefix()
                || service
                    .resource_types()
                    .any(|t| t.arn_pattern().split(':').nth(2) == Some(name))
        };
        super::resource_fit::may_name_what_a_wildcard_action_is_authorized_on(
            service.prefix(),
            self.action_name(),
            resource,
            &names_the_service,
        )
    }

    /// The condition keys the action supports, sorted by name ignoring
    /// ASCII case. The keys of its resource types
    /// ([`ResourceType::condition_keys`]) and the global `aws:` keys apply
    /// as well.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'a>> + 'a {
        self.catalog.key_refs(self.data.keys)
    }
}

impl fmt::Debug for ActionInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActionInfo({})", self.name())
    }
}

impl fmt::Display for ActionInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for ActionInfo<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.data, other.data)
    }
}

impl Eq for ActionInfo<'_> {}

/// A resource type as one action lists it: the type and whether the action
/// requires it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActionResourceType<'a> {
    action: ActionInfo<'a>,
    resource_type: ResourceType<'a>,
    required: bool,
}

impl<'a> ActionResourceType<'a> {
    /// Whether a policy's resource pattern can name a resource of this type
    /// that the action is asked on: [`ResourceType::may_be_named_by`], read
    /// as the action names the type's resources
    /// ([`ActionResourceType::addressing`]).
    pub fn may_be_named_by(&self, resource: &str) -> bool {
        self.resource_type
            .may_be_named_by_as(resource, self.addressing())
    }

    /// How the action names this type's resources, where it differs from
    /// how the type's pattern reads on its own: CloudWatch Logs'
    /// `UntagResource` and `ListTagsForResource` take a log group's bare ARN
    /// (not the `:*` its other actions are granted on), SNS's subscription
    /// actions a topic's ARN with the subscription after a `:`.
    pub fn addressing(&self) -> Addressing {
        super::resource_fit::addressing(self.action.service_prefix(), self.action.action_name())
    }

    /// The resource type.
    pub fn resource_type(&self) -> ResourceType<'a> {
        self.resource_type
    }

    /// Whether the action always needs a resource of this type (an asterisk
    /// in the Service Authorization Reference).
    pub fn required(&self) -> bool {
        self.required
    }

    /// The resource type's name: `function`.
    pub fn name(&self) -> &'a str {
        self.resource_type.name()
    }

    /// The resource type's ARN pattern.
    pub fn arn_pattern(&self) -> &'a str {
        self.resource_type.arn_pattern()
    }
}

/// A resource type of a service: its name and ARN pattern.
#[derive(Clone, Copy)]
pub struct ResourceType<'a> {
    catalog: &'a Catalog,
    data: &'a ResourceTypeData,
}

impl<'a> ResourceType<'a> {
    pub(super) fn new(catalog: &'a Catalog, data: &'a ResourceTypeData) -> Self {
        ResourceType { catalog, data }
    }

    /// The name: `function`, `function alias`, `log-group`.
    pub fn name(&self) -> &'a str {
        self.catalog.str(self.data.name)
    }

    /// The ARN pattern, with `${…}` placeholders:
    /// `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`.
    pub fn arn_pattern(&self) -> &'a str {
        self.catalog.str(self.data.arn_pattern)
    }

    /// The ARN pattern with every `${…}` placeholder read as `*`
    /// (`arn:*:lambda:*:*:function:*`), for comparing with policy patterns.
    pub fn wildcard_pattern(&self) -> &'a str {
        self.catalog.wildcard_pattern(self.data.index).unwrap_or("")
    }

    /// Whether a policy's resource pattern can name a resource of this
    /// type: some ARN of the type that the pattern matches (`*` any run,
    /// `?` one character; read policy variables as `*` first, e.g. with
    /// [`super::placeholders_as_wildcards`]). The type's placeholders are
    /// bounded as real ARNs are (no `:` in a region or an identifier, no
    /// `/` in a bucket or table name; see the `resource_fit` module), so
    /// `arn:aws:ec2:*:*:volume/*` names no instance and
    /// `arn:aws:s3:::orders/*` no bucket. A pattern over 127 bytes is
    /// compared with unbounded placeholders (it may then fit when it does
    /// not).
    pub fn may_be_named_by(&self, resource: &str) -> bool {
        self.may_be_named_by_as(resource, Addressing::AsTyped)
    }

    /// [`ResourceType::may_be_named_by`] for an action that names the
    /// type's resources as `addressing` says (compiled for it on each call:
    /// few actions do), for a caller that has the addressing already.
    pub fn may_be_named_by_as(&self, resource: &str, addressing: Addressing) -> bool {
        let decided = match addressing {
            Addressing::AsTyped => self
                .catalog
                .type_shape(self.data.index)
                .and_then(|shape| shape.may_be_named_by(resource)),
            other => super::resource_fit::TypeShape::addressed(self.arn_pattern(), other)
                .may_be_named_by(resource),
        };
        decided
            .unwrap_or_else(|| crate::glob::arn_patterns_overlap(resource, self.wildcard_pattern()))
    }

    /// The service that lists the type (its ARN may name another service).
    pub fn service(&self) -> ServiceInfo<'a> {
        ServiceInfo::new(self.catalog, self.catalog.service_data(self.data.service))
    }

    /// Whether `arn` has this type's ARN pattern (see
    /// [`Catalog::resource_types_matching`] for how placeholders match).
    pub fn matches_arn(&self, arn: &str) -> bool {
        self.catalog
            .arn_pattern(self.data.index)
            .is_some_and(|pattern| pattern.is_match(arn))
    }

    /// The condition keys that describe resources of this type
    /// (`aws:ResourceTag/${TagKey}`), sorted by name ignoring ASCII case.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'a>> + 'a {
        self.catalog.key_refs(self.data.keys)
    }
}

impl fmt::Debug for ResourceType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourceType({} {})",
            self.service().prefix(),
            self.name()
        )
    }
}

impl PartialEq for ResourceType<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.data, other.data)
    }
}

impl Eq for ResourceType<'_> {}

/// A condition key and its type.
#[derive(Clone, Copy)]
pub struct ConditionKey<'a> {
    catalog: &'a Catalog,
    data: &'a KeyData,
}

impl<'a> ConditionKey<'a> {
    pub(super) fn new(catalog: &'a Catalog, data: &'a KeyData) -> Self {
        ConditionKey { catalog, data }
    }

    /// The name as the data set writes it: `aws:SourceArn`,
    /// `aws:ResourceTag/${TagKey}`.
    pub fn name(&self) -> &'a str {
        self.catalog.str(self.data.name)
    }

    /// The key's type; `None` for the rare key the data set uses without
    /// defining.
    pub fn key_type(&self) -> Option<ConditionKeyType> {
        self.data.key_type
    }
}

impl fmt::Debug for ConditionKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConditionKey({}: {:?})", self.name(), self.key_type())
    }
}

impl PartialEq for ConditionKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.data, other.data)
    }
}

impl Eq for ConditionKey<'_> {}
