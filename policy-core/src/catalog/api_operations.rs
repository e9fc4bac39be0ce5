//! API operations whose permission is an action of another name.
//!
//! A policy that names an API operation (`s3:ListBuckets`) grants nothing:
//! IAM checks the action the operation is authorized by
//! (`s3:ListAllMyBuckets`). The closest catalog name is then the wrong
//! hint (`s3:ListBucket` lists a bucket's objects), so the operations most
//! often written for their action are listed here, each as the Service
//! Authorization Reference and the service's API reference authorize it.
//! A test checks every entry against the catalog: the operation is not an
//! action, and every action it names is.

/// (service prefix, API operation, the actions it is authorized by).
const AUTHORIZED_AS: &[(&str, &str, &[&str])] = &[
    ("bedrock", "Converse", &["bedrock:InvokeModel"]),
    (
        "bedrock",
        "ConverseStream",
        &["bedrock:InvokeModelWithResponseStream"],
    ),
    ("lambda", "Invoke", &["lambda:InvokeFunction"]),
    (
        "lambda",
        "InvokeWithResponseStream",
        &["lambda:InvokeFunction"],
    ),
    ("s3", "CompleteMultipartUpload", &["s3:PutObject"]),
    ("s3", "CopyObject", &["s3:GetObject", "s3:PutObject"]),
    ("s3", "CreateMultipartUpload", &["s3:PutObject"]),
    ("s3", "DeleteObjects", &["s3:DeleteObject"]),
    (
        "s3",
        "GetBucketEncryption",
        &["s3:GetEncryptionConfiguration"],
    ),
    (
        "s3",
        "GetBucketLifecycleConfiguration",
        &["s3:GetLifecycleConfiguration"],
    ),
    (
        "s3",
        "GetBucketNotificationConfiguration",
        &["s3:GetBucketNotification"],
    ),
    ("s3", "HeadBucket", &["s3:ListBucket"]),
    ("s3", "HeadObject", &["s3:GetObject"]),
    ("s3", "ListBuckets", &["s3:ListAllMyBuckets"]),
    (
        "s3",
        "ListMultipartUploads",
        &["s3:ListBucketMultipartUploads"],
    ),
    ("s3", "ListObjectVersions", &["s3:ListBucketVersions"]),
    ("s3", "ListObjects", &["s3:ListBucket"]),
    ("s3", "ListObjectsV2", &["s3:ListBucket"]),
    ("s3", "ListParts", &["s3:ListMultipartUploadParts"]),
    (
        "s3",
        "PutBucketEncryption",
        &["s3:PutEncryptionConfiguration"],
    ),
    (
        "s3",
        "PutBucketLifecycleConfiguration",
        &["s3:PutLifecycleConfiguration"],
    ),
    (
        "s3",
        "PutBucketNotificationConfiguration",
        &["s3:PutBucketNotification"],
    ),
    ("s3", "SelectObjectContent", &["s3:GetObject"]),
    ("s3", "UploadPart", &["s3:PutObject"]),
    ("s3", "UploadPartCopy", &["s3:GetObject", "s3:PutObject"]),
    ("sns", "PublishBatch", &["sns:Publish"]),
    (
        "sqs",
        "ChangeMessageVisibilityBatch",
        &["sqs:ChangeMessageVisibility"],
    ),
    ("sqs", "DeleteMessageBatch", &["sqs:DeleteMessage"]),
    ("sqs", "SendMessageBatch", &["sqs:SendMessage"]),
];

/// The actions that authorize the API operation `action` names
/// (`s3:ListBuckets` → `s3:ListAllMyBuckets`), when the operation is not
/// itself an action; names compared as IAM compares them, ignoring case.
pub fn api_operation_authorized_as(action: &str) -> Option<&'static [&'static str]> {
    let (prefix, name) = action.split_once(':')?;
    AUTHORIZED_AS
        .iter()
        .find(|(p, operation, _)| {
            p.eq_ignore_ascii_case(prefix) && operation.eq_ignore_ascii_case(name)
        })
        .map(|(_, _, actions)| *actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_no_action_and_every_action_is_one() {
        let catalog = super::super::catalog().expect("the embedded catalog");
        for (prefix, operation, actions) in AUTHORIZED_AS {
            let name = format!("{prefix}:{operation}");
            assert!(catalog.action(&name).is_none(), "{name} is an action");
            assert!(!actions.is_empty(), "{name}");
            for action in *actions {
                assert!(catalog.action(action).is_some(), "{action} (for {name})");
            }
        }
    }

    #[test]
    fn operations_are_found_ignoring_case() {
        assert_eq!(
            api_operation_authorized_as("s3:listbuckets"),
            Some(&["s3:ListAllMyBuckets"][..])
        );
        assert_eq!(api_operation_authorized_as("s3:GetObject"), None);
        assert_eq!(api_operation_authorized_as("ListBuckets"), None);
    }
}
