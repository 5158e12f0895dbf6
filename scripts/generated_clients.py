"""Clients generated from the committed schema (openapi/schema.yaml), as an API consumer would generate them.

    python scripts/generated_clients.py python OUT      # openapi-python-client: OUT/compliance_client
    python scripts/generated_clients.py check           # CI (make clients): both generators, every check below

Run with the clients' environment (`make clients` builds it from uv.lock's `clients` group). `check` fails when:
- openapi-python-client warns about anything (`--fail-on-warning`), or a generated module does not import;
- openapi-generator (typescript-fetch) logs a warning or an error, or the TypeScript it wrote does not compile
  (`tsc --noEmit --strict`, TypeScript from the npm registry).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "openapi" / "schema.yaml"
BIN = Path(sys.executable).parent
PACKAGE = "compliance_client"
TYPESCRIPT = "typescript@5.9.3"
# The one warning typescript-fetch gives for every array of files in a form (the progress update's `evidence`),
# while writing the right type (`evidence?: Array<Blob>`): the compile below checks that it did.
KNOWN_GENERATOR_NOTES = ("Could not compute datatypeWithEnum from any, null",)

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
failed = []
modules = list(pkgutil.walk_packages(package.__path__, package.__name__ + "."))
for module in modules:
    try:
        importlib.import_module(module.name)
    except Exception as error:
        failed.append(f"{module.name}: {type(error).__name__}: {error}")
print(f"{len(modules)} generated modules, {len(failed)} failed to import")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(command, check=False, capture_output=True, text=True, env=env, **kwargs)  # noqa: S603


def python_client(out: Path) -> Path:
    """The Python client in `out`/compliance_client; exits on any warning."""
    package = out / PACKAGE
    shutil.rmtree(package, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    generated = run(
        [BIN / "openapi-python-client", "generate", "--path", SCHEMA, "--output-path", package, "--meta", "none",
         "--fail-on-warning"]
    )  # fmt: skip
    if generated.returncode != 0 or "Warning" in generated.stdout or "WARNING" in generated.stdout:
        sys.exit(f"openapi-python-client:\n{generated.stdout}{generated.stderr}")
    return package


def check_python_imports(out: Path) -> None:
    imported = run([sys.executable, "-c", IMPORT_EVERY_MODULE, PACKAGE], cwd=out)
    print(imported.stdout.strip())
    if imported.returncode != 0:
        sys.exit(f"the generated Python client does not import:\n{imported.stderr}")


def typescript_client(out: Path) -> Path:
    """The TypeScript (fetch) client in `out`/typescript; exits on any warning or error of the generator."""
    target = out / "typescript"
    generated = run(
        [BIN / "openapi-generator-cli", "generate", "--input-spec", SCHEMA, "--generator-name", "typescript-fetch",
         "--output", target]
    )  # fmt: skip
    log = generated.stdout + generated.stderr
    notes = [line for line in log.splitlines() if " WARN " in line or " ERROR " in line or "Exception" in line]
    unexpected = [line for line in notes if not any(known in line for known in KNOWN_GENERATOR_NOTES)]
    if generated.returncode != 0 or unexpected:
        sys.exit("openapi-generator (typescript-fetch):\n" + "\n".join(unexpected or log.splitlines()[-30:]))
    print(f"typescript-fetch: {len(list(target.rglob('*.ts')))} files, {len(notes)} known note(s), no warning")
    return target


def check_typescript_compiles(target: Path) -> None:
    tools = target.parent / "tsc"
    installed = run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", tools, TYPESCRIPT])
    if installed.returncode != 0:
        sys.exit(f"npm could not install {TYPESCRIPT}:\n{installed.stderr}")
    compiled = run(
        [tools / "node_modules" / ".bin" / "tsc", "--noEmit", "--strict", "--target", "es2020", "--lib",
         "es2020,dom", "--moduleResolution", "node", *sorted(map(str, target.rglob("*.ts")))]
    )  # fmt: skip
    if compiled.returncode != 0:
        sys.exit(f"the generated TypeScript client does not compile:\n{compiled.stdout[-5000:]}")
    print("typescript-fetch: compiles with tsc --strict")


def main(argv: list[str]) -> None:
    if argv[:1] == ["python"] and len(argv) == 2:
        python_client(Path(argv[1]))
        return
    if argv != ["check"]:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory(prefix="clients-") as scratch:
        out = Path(scratch)
        python_client(out)
        check_python_imports(out)
        check_typescript_compiles(typescript_client(out))


if __name__ == "__main__":
    main(sys.argv[1:])
