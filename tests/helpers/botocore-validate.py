"""Validates API requests with botocore's own client-side parameter validation (what the AWS CLI
runs before sending: unknown members, required members, types, minimum lengths and ranges), then
checks string enums against the same service model, which ParamValidator leaves to the service.
stdin: {"service": "ecs", "operation": "RegisterTaskDefinition", "params": {...}}.
stdout: {"botocore": "<version>", "errors": "<report>" or ""}."""
import json
import sys

import botocore
import botocore.session
from botocore.validate import ParamValidator


def enum_errors(value, shape, where):
    """Values outside the model's enum for every string member the request holds."""
    out = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                out += enum_errors(v, shape.members[k], f"{where}.{k}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, v in enumerate(value):
            out += enum_errors(v, shape.member, f"{where}[{i}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for k, v in value.items():
            out += enum_errors(v, shape.value, f"{where}.{k}")
    elif shape.type_name == "string" and getattr(shape, "enum", None) and value not in shape.enum:
        out.append(f"Invalid enum value for {where}: {value!r}, valid values: {', '.join(shape.enum)}")
    return out


def main() -> int:
    request = json.load(sys.stdin)
    model = botocore.session.get_session().get_service_model(request["service"])
    shape = model.operation_model(request["operation"]).input_shape
    report = ParamValidator().validate(request["params"], shape)
    errors = [report.generate_report()] if report.has_errors() else []
    errors += enum_errors(request["params"], shape, request["operation"])
    json.dump({"botocore": botocore.__version__, "errors": "\n".join(errors)}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
