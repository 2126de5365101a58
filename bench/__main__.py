"""Run every benchmark module in this package and print its report."""

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> int:
    wanted = set(argv)
    names = sorted(
        i.name for i in pkgutil.iter_modules(bench.__path__) if i.name.endswith("_bench")
    )
    unknown = wanted - set(names)
    if unknown:
        print(f"no benchmark named {', '.join(sorted(unknown))}; there are: {', '.join(names)}")
        return 2
    failed = False
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name} ==", flush=True)
        failed |= not module.run()
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
