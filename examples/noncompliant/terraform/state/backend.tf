# State on an S3-compatible store the location catalogue does not know: where it is cannot be verified.
terraform {
  backend "s3" {
    bucket   = "tfstate"
    key      = "appeals/terraform.tfstate"
    region   = "us-east-1"
    endpoint = "https://minio.storage.example.org"

    skip_region_validation      = true
    skip_credentials_validation = true
  }
}
