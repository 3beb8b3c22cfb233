"""Playbook test hosts: Debian rootfs from debootstrap, own namespaces, sysvinit and sshd, reached over SSH."""
