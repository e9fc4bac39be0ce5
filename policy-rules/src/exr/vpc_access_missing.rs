use policy_core::declare_rule;
use policy_core::lambda_needs;
use policy_core::lint::{describe_missing_on_resources, Context, Findings, Rule, RuleMeta};
use policy_core::model::Function;

declare_rule! {
    /// ## What it does
    /// For a function attached to a VPC, asks the evaluator whether the
    /// execution role may manage the network interfaces Lambda creates:
    /// `ec2:CreateNetworkInterface` (on the subnets, security groups and
    /// interfaces), `DeleteNetworkInterface`, `AssignPrivateIpAddresses`,
    /// `UnassignPrivateIpAddresses`, `DescribeNetworkInterfaces`, `DescribeSubnets`.
    ///
    /// ## Why is this bad?
    /// Lambda cannot attach the function to its subnets: updates fail and
    /// the function cannot start.
    ///
    /// ## Example
    /// A function with `VpcConfig.SubnetIds` whose role only has
    /// `AWSLambdaBasicExecutionRole`.
    ///
    /// ## Fix
    /// Attach `AWSLambdaVPCAccessExecutionRole`.
    pub struct VpcAccessMissing {
        code: "EXR005",
        name: "vpc-access-missing",
        category: Correctness,
        severity: Error,
        summary: "a VPC function's role cannot manage its network interfaces",
    }
}

impl Rule for VpcAccessMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_function(&self, cx: &Context<'_>, function: &Function, out: &mut Findings) {
        let required = lambda_needs::vpc_access(function);
        if required.is_empty() {
            return;
        }
        let missing = cx.missing_access(function, &required);
        if missing.is_empty() {
            return;
        }
        out.report(
            &function.arn,
            format!(
                "`{}` is attached to a VPC but its role lacks {}",
                function.name,
                describe_missing_on_resources(&missing)
            ),
        )
        .at(cx.location(function.source.as_ref()))
        .help("attach AWSLambdaVPCAccessExecutionRole to the execution role");
    }
}
