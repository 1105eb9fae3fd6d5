"""Runs ONNX's own model checker (with full shape inference) on each file given; prints a JSON
report {file: "ok" | error message}. Exits 0 either way: the test reads the report."""
import json
import sys

import onnx
import onnx.checker

report = {}
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        report[path] = "ok"
    except Exception as e:  # noqa: BLE001 - every failure is reported to the test
        report[path] = f"{type(e).__name__}: {e}"
print(json.dumps({"onnx": onnx.__version__, "report": report}))
