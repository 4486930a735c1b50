"""Runs a Pulumi Python program against the engine, as the real Python language host's
pulumi-language-python-exec does: configure the SDK's runtime from the arguments and the config
in the environment, then run the program inside the stack. An error the SDK reports is logged to
the engine and the exit code is 32 (already shown to the user); anything else is 1."""
import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback

import pulumi
import pulumi.runtime

ap = argparse.ArgumentParser()
for flag in ("project", "stack", "parallel", "dry_run", "pwd", "monitor", "engine", "organization", "root_directory", "tracing"):
    ap.add_argument(f"--{flag}")
ap.add_argument("PROGRAM")
ap.add_argument("ARGS", nargs="*")
args = ap.parse_args()

pulumi.runtime.set_all_config(pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
pulumi.runtime.configure(pulumi.runtime.Settings(
    project=args.project, stack=args.stack, monitor=args.monitor, engine=args.engine,
    parallel=int(args.parallel) if args.parallel else None, dry_run=args.dry_run == "true",
    organization=args.organization, root_directory=args.root_directory,
))
sys.argv = [args.PROGRAM] + args.ARGS
if args.pwd:
    os.chdir(args.pwd)
program = args.PROGRAM
if os.path.isdir(program):
    program = os.path.join(program, "__main__.py")

logging.getLogger("asyncio").setLevel(logging.CRITICAL)
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
code = 0
try:
    loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
except pulumi.RunError as e:
    pulumi.log.error(str(e))
    code = 32
except Exception:
    pulumi.log.error(traceback.format_exc())
    code = 32
finally:
    loop.close()
    sys.stdout.flush()
    sys.stderr.flush()
sys.exit(code)
