"""The sandboxed side: runs a student's cells and evaluates what the grader asks for, nothing more.

Everything here runs with the student's code in the same process, so nothing here decides
anything: it only sends back plain values (see ``values.encode``), output and errors. The grader
compares those values with references it computed itself.
"""
from __future__ import annotations

import builtins
import io
import linecache
import os
import sys
import traceback
import warnings
from typing import Any

from autograder import channel, values


class CappedWriter(io.TextIOBase):
    """Keeps the first ``limit`` characters written and counts the rest (a student may print 100 MB)."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(len(text), room)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def take(self) -> tuple[str, int]:
        text, dropped = "".join(self.parts), self.dropped
        self.parts, self.kept, self.dropped = [], 0, 0
        return text, dropped


class _GradingShell:
    """Stands in for IPython's ``get_ipython()``: line magics become no-ops or clear errors."""

    def run_line_magic(self, name: str, line: str) -> None:
        if name in ("matplotlib", "config", "load_ext", "autoreload"):
            return None
        raise RuntimeError(f"the %{name} magic is not available while grading")

    def run_cell_magic(self, name: str, line: str, cell: str) -> None:
        raise RuntimeError(f"the %%{name} cell magic is not available while grading")

    def system(self, command: str) -> None:
        raise RuntimeError("shell commands (!...) are not available while grading")

    getoutput = system


_TRANSFORMER = None


def _source_to_python(source: str) -> str:
    """IPython syntax (magics, !commands) to plain Python, as IPython itself would do it."""
    global _TRANSFORMER
    if _TRANSFORMER is None:
        from IPython.core.inputtransformer2 import TransformerManager
        _TRANSFORMER = TransformerManager()
    return _TRANSFORMER.transform_cell(source)


class Session:
    def __init__(self, output_chars: int):
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins,
                                          "get_ipython": _GradingShell}
        self.stdout, self.stderr = CappedWriter(output_chars), CappedWriter(output_chars)
        self.cell_count = 0

    def _run(self, action):
        sys.stdout, sys.stderr = self.stdout, self.stderr
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*non-interactive.*")
                result, error = action(), None
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from student code too
            result, error = None, _describe(exc)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            _close_figures()
        out, out_dropped = self.stdout.take()
        err, err_dropped = self.stderr.take()
        return result, {"stdout": out, "stderr": err, "dropped": out_dropped + err_dropped, "error": error}

    def run(self, source: str) -> dict:
        self.cell_count += 1
        filename = f"<cell {self.cell_count}>"
        python = _source_to_python(source)
        linecache.cache[filename] = (len(python), None, python.splitlines(True), filename)
        _, report = self._run(lambda: exec(compile(python, filename, "exec"), self.namespace))
        return report

    def evaluate(self, expression: str) -> dict:
        value, report = self._run(lambda: eval(compile(expression, "<check>", "eval"), self.namespace))
        if report["error"] is None:
            try:
                report["value"] = values.encode(value)
            except Exception as error:
                report["error"] = _describe(error)
        return report

    def call_cases(self, key: str, function_name: str, cases: list) -> dict:
        """Run the learner's function on the grader's cases; send back each result and the inputs as they are
        after the call (``after``), as plain values: whether they changed is decided by the grader."""
        from course import exercises

        def items(value: Any, depth: int = 0) -> int:  # what values.MAX_ITEMS bounds: elements and list items
            if depth > 64:
                raise values.BoundaryError("the value is nested too deeply")
            if isinstance(value, dict):
                return len(value) + sum(items(item, depth + 1) for item in value.values())
            if isinstance(value, (list, tuple)):
                return len(value) + sum(items(item, depth + 1) for item in value)
            return 1 if isinstance(value, (str, bytes)) else int(getattr(value, "size", 1))

        def encode_after(after: dict) -> dict:
            # copies of the grader's small inputs, unless the function grew a list it was given
            if items(after) > values.MAX_ITEMS:
                raise values.BoundaryError(f"together they hold more than {values.MAX_ITEMS} items")
            return values.encode({str(name): value for name, value in after.items()})

        def run_all():
            exercise = exercises.get(key)
            function = self.namespace.get(function_name)
            if function is None:
                raise NameError(f"name '{function_name}' is not defined (did its cell run without errors?)")
            outcomes = []
            for case in cases:
                outcome = exercises.run_case(exercise, function, values.decode(case))
                try:
                    encoded = values.encode(outcome.value)
                except Exception as error:
                    encoded, outcome = None, exercises.Outcome(error=f"its result cannot be read: {error}")
                after = None
                if outcome.after:  # the inputs after the call: the grader decides whether they changed
                    try:
                        after = encode_after(outcome.after)
                    except Exception as error:
                        encoded, outcome = None, exercises.Outcome(
                            failure=f"the inputs of {function_name} cannot be read back after the call ({error}), "
                                    "so whether it left them unchanged cannot be checked.")
                outcomes.append({"value": encoded, "failure": outcome.failure, "error": outcome.error,
                                 "not_implemented": outcome.not_implemented, "after": after})
            return outcomes
        outcomes, report = self._run(run_all)
        report["outcomes"] = outcomes or []
        return report


def _describe(error: BaseException) -> dict:
    frames = traceback.extract_tb(error.__traceback__)
    frames = [f for f in frames if f.filename.startswith("<cell")] or frames[-1:]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
    return {"ename": type(error).__name__, "evalue": str(error)[:2000], "traceback": "".join(lines)[-5000:]}


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close("all")
        except Exception:
            pass


_source_to_python("")  # build the transformer at import, i.e. in the zygote, before any fork


def serve(sock, output_chars: int) -> None:
    """Answer the grader's requests until it says stop or goes away."""
    session, owner = Session(output_chars), os.getpid()
    handlers = {
        "run": lambda m: session.run(m["source"]),
        "eval": lambda m: session.evaluate(m["expression"]),
        "call": lambda m: session.call_cases(m["key"], m["function"], m["cases"]),
    }
    while True:
        try:
            message = channel.receive(sock)
        except (channel.ChannelClosed, channel.ChannelTimeout):
            return
        if message.get("op") == "exit":
            return
        try:
            reply = handlers[message["op"]](message)
        except Exception as error:  # a request this side cannot serve: say so, keep serving
            reply = {"error": _describe(error), "stdout": "", "stderr": "", "dropped": 0}
        if os.getpid() != owner:  # a copy the student forked must never answer the grader
            os._exit(0)
        try:
            channel.send(sock, reply)
        except (OSError, ValueError, TypeError):
            channel.send(sock, {"error": {"ename": "GraderError", "evalue": "the reply could not be sent",
                                          "traceback": ""}, "stdout": "", "stderr": "", "dropped": 0})
