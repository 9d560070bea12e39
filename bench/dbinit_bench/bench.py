"""What every section works with: the driver's arguments, the runner, the two
clusters, the tools' commands and the results it adds to."""
import pathlib
from dataclasses import dataclass

from .cluster import Cluster
from .report import Results
from .runner import Runner
from .tools import Tools


@dataclass
class Bench:
    args: object  # bench/run.py's arguments (argparse.Namespace)
    work: pathlib.Path  # the scratch directory of scripts/bench
    runner: Runner
    cluster: Cluster  # data on disk, behind the delaying proxy too: every section
    ram_cluster: Cluster  # data in RAM (tmpfs), section 3 only, without the proxy
    tools: Tools  # on `cluster`; tools.on(ram_cluster) for the other
    results: Results

    @classmethod
    def from_args(cls, args) -> "Bench":
        work = pathlib.Path(args.work)
        runner = Runner(work)
        cluster = Cluster(args.pg_port, args.proxy_port, args.password, pathlib.Path(args.server_log))
        ram_cluster = Cluster(args.ram_pg_port, args.proxy_port, args.password, pathlib.Path(args.ram_server_log))
        return cls(args, work, runner, cluster, ram_cluster, Tools.from_args(args, runner, cluster), Results())

    @property
    def rtt(self) -> float:
        """The delaying proxy's round trip, in seconds."""
        return self.args.rtt_ms / 1000
