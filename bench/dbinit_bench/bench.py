"""What every section works with: the driver's arguments, the runner, the
clusters, the tools' commands and the results it adds to.

A section run alone (bench/run.py --only) is given only the clusters it
needs: the others, and the tools when the first cluster is missing, are
None."""
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
    cluster: Cluster  # PostgreSQL 15, data on disk, behind the delaying proxy too: sections 1 to 7
    ram_cluster: Cluster  # PostgreSQL 15, data in RAM (tmpfs), section 3 only, without the proxy
    pg17_cluster: Cluster  # PostgreSQL 17 without TLS or proxy: section 1's second server
    tools: Tools  # on `cluster`; tools.on(other) for another
    tls_cluster: Cluster  # PostgreSQL 17 with TLS, behind a proxy of its own: section 8
    results: Results

    @classmethod
    def from_args(cls, args) -> "Bench":
        work = pathlib.Path(args.work)
        runner = Runner(work)

        def started(port, proxy_port, log):
            """The cluster scripts/bench started on `port`, or None when this run has none there."""
            return Cluster(port, proxy_port, args.password, pathlib.Path(log)) if port else None

        cluster = started(args.pg_port, args.proxy_port, args.server_log)
        return cls(args, work, runner, cluster,
                   ram_cluster=started(args.ram_pg_port, args.proxy_port, args.ram_server_log),
                   pg17_cluster=started(args.pg17_port, None, args.pg17_server_log),
                   tools=Tools.from_args(args, runner, cluster) if cluster else None,
                   tls_cluster=started(args.tls_pg_port, args.tls_proxy_port, args.tls_server_log),
                   results=Results())

    @property
    def servers(self) -> list:
        """One cluster per server version this run started, the first of each (for the header)."""
        found = {}
        for cluster in (self.cluster, self.pg17_cluster, self.tls_cluster):
            if cluster:
                found.setdefault(cluster.setting("server_version"), cluster)
        return list(found.values())

    @property
    def rtt(self) -> float:
        """The delaying proxy's round trip, in seconds."""
        return self.args.rtt_ms / 1000
