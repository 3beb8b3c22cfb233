"""A stray program that puts the appeals archive in AWS."""
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("appeals-archive")
pulumi.export("bucket", bucket.id)
