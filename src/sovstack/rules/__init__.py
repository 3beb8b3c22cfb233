"""Rule logic shared by the checkov custom checks, the native checks and the Pulumi policy pack."""
