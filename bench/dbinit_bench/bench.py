"""What every section works with: the driver's arguments, the runner, the
clusters, the tools' commands and the results it adds to.

With --only tls, bench/run.py is given the TLS cluster alone: the other
clusters and the tools are None."""
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
    cluster: Cluster  # data on disk, behind the delaying proxy too: sections 1 to 7
    ram_cluster: Cluster  # data in RAM (tmpfs), section 3 only, without the proxy
    tools: Tools  # on `cluster`; tools.on(ram_cluster) for the other
    tls_cluster: Cluster  # PostgreSQL 17 with TLS, behind a proxy of its own: section 8
    results: Results

    @classmethod
    def from_args(cls, args) -> "Bench":
        work = pathlib.Path(args.work)
        runner = Runner(work)
        tls_cluster = Cluster(args.tls_pg_port, args.tls_proxy_port, args.password, pathlib.Path(args.tls_server_log))
        if args.only == "tls":
            return cls(args, work, runner, None, None, None, tls_cluster, Results())
        cluster = Cluster(args.pg_port, args.proxy_port, args.password, pathlib.Path(args.server_log))
        ram_cluster = Cluster(args.ram_pg_port, args.proxy_port, args.password, pathlib.Path(args.ram_server_log))
        return cls(args, work, runner, cluster, ram_cluster, Tools.from_args(args, runner, cluster), tls_cluster,
                   Results())

    @property
    def rtt(self) -> float:
        """The delaying proxy's round trip, in seconds."""
        return self.args.rtt_ms / 1000
