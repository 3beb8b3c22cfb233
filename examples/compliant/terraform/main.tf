terraform {
  backend "s3" {
    bucket    = "appeals-tf-state"
    key       = "prod/terraform.tfstate"
    region    = "ru-central1"
    endpoints = { s3 = "https://storage.yandexcloud.net" }
  }
}

provider "yandex" {
  zone = "ru-central1-a"
}

resource "yandex_compute_instance" "bot" {
  name = "appeals-bot"
  zone = "ru-central1-a"
}

resource "openstack_compute_instance_v2" "worker" {
  name              = "worker-1"
  availability_zone = "ru-3a"
}
