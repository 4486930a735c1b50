"""The billing API of examples/eks, declared from Python.

The classes come from the SDK Pulumi generates from the component's schema: every TypeScript args
interface `XArgs` becomes the Python input class `XArgsArgs` (Pulumi's Python codegen appends `Args`
to input types), and every `as const` choice becomes an enum (`GenerateType.PASSWORD`, ...).
"""
import pulumi
import pulumi_secret_mount as secret_mount

config = pulumi.Config()

billing = secret_mount.SecretMountedWorkload(
    "billing-api",
    namespace=config.get("namespace") or "billing",
    create_namespace=True,
    eks=secret_mount.EksPlatformArgsArgs(
        identity=secret_mount.EksIdentity.IRSA,
        oidc_provider_arn=config.require("oidcProviderArn"),
        oidc_issuer_url=config.require("oidcIssuerUrl"),
    ),
    secrets=[
        # Generated at `pulumi up`, stored in Secrets Manager; the value never passes through this program.
        secret_mount.SecretArgsArgs(
            name="db-password",
            generate=secret_mount.GenerateArgsArgs(type=secret_mount.GenerateType.PASSWORD, length=32),
        ),
        # A key pair: stored as one JSON secret, written as two PEM files.
        secret_mount.SecretArgsArgs(
            name="signing-key",
            generate=secret_mount.GenerateArgsArgs(type=secret_mount.GenerateType.ECDSA, ecdsa_curve=secret_mount.EcdsaCurve.P256),
        ),
        # An existing JSON secret fanned out into one file per key.
        secret_mount.SecretArgsArgs(
            name="stripe",
            existing=secret_mount.ExistingSecretArgsArgs(arn=config.require("stripeSecretArn")),
            files=[
                secret_mount.SecretFileArgsArgs(path="stripe/api-key", json_key="apiKey"),
                secret_mount.SecretFileArgsArgs(path="stripe/webhook-secret", json_key="webhookSecret"),
            ],
        ),
        # An SSM SecureString parameter.
        secret_mount.SecretArgsArgs(
            name="feature-flags",
            aws=secret_mount.AwsSecretArgsArgs(store=secret_mount.AwsSecretStore.SSM_PARAMETER),
            generate=secret_mount.GenerateArgsArgs(type=secret_mount.GenerateType.PASSWORD, length=24, special=False),
        ),
    ],
    containers=[
        secret_mount.ContainerArgsArgs(
            name="api",
            image=config.get("image") or "public.ecr.aws/docker/library/busybox:1.37",
            # Stand-in for the real app: shows the files and waits. Replace with your image.
            command=["sh", "-c", "ls -lL /run/secrets/app /run/secrets/app/stripe && exec sleep 86400"],
            run_as_user=10001,
            ports=[secret_mount.ContainerPortArgsArgs(name="http", container_port=8080)],
            resources=secret_mount.ResourcesArgsArgs(
                requests={"cpu": "50m", "memory": "64Mi"},
                limits={"memory": "128Mi"},
            ),
        )
    ],
    # For apps that want env vars: a dotenv file built from the secret files.
    env_file=secret_mount.EnvFileArgsArgs(vars={"DB_PASSWORD": "db-password"}),
    # The fetch image you built and pushed, pinned by digest (it holds the role that reads every secret).
    fetch=secret_mount.FetchContainerArgsArgs(image=config.require("fetchImage")),
)

pulumi.export("roleArn", billing.role_arn)
pulumi.export("serviceAccountName", billing.service_account_name)
pulumi.export("deploymentName", billing.deployment_name)
pulumi.export("mountPath", billing.mount_path)
pulumi.export("fetchSpec", billing.fetch_spec)
pulumi.export("permissionPolicy", billing.permission_policy)
