// vuorod: the queue daemon's entry point. Wires configuration, store, server and signals together.
import ArgumentParser
import Dispatch
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import VuoroConfig
import VuoroCore
import VuoroProtocol
import VuoroPush
import VuoroServer
import VuoroStore
import VuoroSystemd

@main
struct Vuorod: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vuorod",
        abstract: "The vuoro queue daemon: ticket queues for walk-in service counters, over a line protocol.",
        discussion: """
            Without --config it runs a built-in demo centre (queues kela/K, health/H, citizen/C, lab/L and \
            counters 1-6). State is kept in SQLite in the state directory: --state-dir, else $STATE_DIRECTORY, \
            else ./vuoro-state. SIGTERM or SIGINT stops it gracefully; SIGHUP re-reads the configuration.

            Example: vuorod --config /etc/vuoro/vuoro.toml --listen 127.0.0.1:7410
            """,
        version: vuoroVersion)

    @Option(help: "The centre's TOML configuration file; without it, the built-in demo centre.")
    var config: String?

    @Option(
        help: ArgumentHelp(
            """
            Address to listen on, HOST:PORT, [IPv6]:PORT or unix:PATH; repeatable. Default: the configuration's \
            listen, else 127.0.0.1:7410.
            """, valueName: "address"))
    var listen: [String] = []

    @Option(help: "Directory of the SQLite state (vuoro.db).")
    var stateDir: String?

    @Option(help: "Connections served at once; one more is refused with ERR too-many-connections.")
    var maxConnections: Int = 1024

    @Option(
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics (off by default), for example 127.0.0.1:9410.",
            valueName: "host:port"))
    var metrics: String?

    @Option(
        help: ArgumentHelp(
            """
            Serve the visitors' web pages at http://HOST:PORT/: the services with their waits, and each ticket's \
            place in its queue at /t/KEY, which the slip's QR code opens (vuoro-ticket --web-url). Default: the \
            configuration's web, else none.
            """, valueName: "host:port"))
    var web: String?

    @Option(
        help: ArgumentHelp(
            """
            Serve the booking systems' HTTP JSON API at http://HOST:PORT/api/v1/appointments (api/openapi.yaml), \
            under bearer tokens of the booking or admin role. Default: the configuration's api, else none.
            """, valueName: "host:port"))
    var api: String?

    @Option(
        help: ArgumentHelp(
            "Directory of the backups BACKUP and the nightly backups write. Default: the configuration's backup_dir, else backups/ in the state directory.",
            valueName: "dir"))
    var backupDir: String?

    @Option(
        help: ArgumentHelp(
            "Connections to the web pages from one address at once (0: no limit). Behind a reverse proxy every connection comes from the proxy: raise it, or set 0 and limit per client in the proxy.",
            valueName: "n"))
    var webMaxPerPeer: Int = 64

    @Option(
        help: ArgumentHelp(
            "Connections to the web pages at once (boards and phones' pages stream, each holding one).",
            valueName: "n"))
    var webMaxConnections: Int = 4096

    @Option(help: "Seconds after which a connection that has sent no request is closed (watchers are kept).")
    var idleTimeout: Int = 60

    @Option(
        help: ArgumentHelp(
            "Threads that read and write client sockets, besides the one that owns the queues; 0 runs everything on that one thread. Default: one per CPU core, at most 4.",
            valueName: "n"))
    var ioThreads: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Flag(help: "Check the configuration, print a summary and exit: 0 when it is good, 2 when not.")
    var checkConfig = false

    func validate() throws {
        for l in listen where ListenAddress(l) == nil {
            throw ValidationError("--listen \(l): expected HOST:PORT, [IPv6]:PORT or unix:PATH")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        if let ioThreads, !(0...256).contains(ioThreads) {
            throw ValidationError("--io-threads must be from 0 to 256")
        }
        for (name, value) in [("metrics", metrics), ("web", web), ("api", api)] {
            if let value, case .tcp = ListenAddress(value) {
            } else if let value {
                throw ValidationError("--\(name) \(value): expected HOST:PORT")
            }
        }
        guard webMaxConnections >= 1 else { throw ValidationError("--web-max-connections must be at least 1") }
        guard webMaxPerPeer >= 0 else { throw ValidationError("--web-max-per-peer must be 0 or more") }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func loadConfig() throws -> Configuration {
        guard let path = config else { return Configuration(centre: CentreConfig.demo) }
        do {
            return try ConfigFile.load(path: path)
        } catch {
            FileHandle.standardError.write(Data("vuorod: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func run() async throws {
        limitHeapArenas()
        let loaded = try loadConfig()
        let centreConfig = loaded.centre
        if checkConfig {
            print(
                "\(config ?? "built-in demo"): ok, \(centreConfig.queues.count) queues, \(centreConfig.counters.count) counters, \(loaded.access.tokens.count) tokens, time zone \(centreConfig.timeZone)"
            )
            for warning in ConfigFile.exposedSecrets(loaded) {
                FileHandle.standardError.write(Data("vuorod: warning: \(warning)\n".utf8))
            }
            return
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let journal = Systemd.stderrIsJournal
        LoggingSystem.bootstrap { label in
            if journal { return JournalLogHandler(identifier: "vuorod", level: level) }
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "vuorod")

        let dir =
            stateDir ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(
                String.init) ?? "./vuoro-state"
        let store: Store
        let centre: Centre
        // --listen, else the configuration's listen, else 127.0.0.1:7410.
        let addresses =
            !listen.isEmpty
            ? listen.compactMap(ListenAddress.init) : loaded.listen.isEmpty ? [ListenAddress.default] : loaded.listen
        let inherited = Systemd.listenDescriptors()
        let metricsAddress = metrics.flatMap(ListenAddress.init)
        let webAddress = web.flatMap(ListenAddress.init) ?? loaded.web
        let apiAddress = api.flatMap(ListenAddress.init) ?? loaded.api
        // A port taken (another vuorod, say) is said plainly, before the state directory is touched.
        let others = [metricsAddress, webAddress, apiAddress].compactMap { $0 }
        if let taken = addressInUse((inherited.isEmpty ? addresses : []) + others) {
            logger.critical("\(taken) is already in use (another vuorod?): not starting")
            throw ExitCode(1)
        }
        // Boards, phones and devices each hold a descriptor: take what the hard limit allows.
        var files = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur < files.rlim_max {
            files.rlim_cur = min(files.rlim_max, 65536)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &files)
        }
        // Everything vuorod creates is its own alone (0600 files, 0700 directories), whatever the umask: the
        // database holds the ISSUE keys that open the tickets' pages.
        umask(0o077)
        do {
            try makeStateDirectory(dir)
            // The descriptor stays open, and the directory locked, until the process ends.
            _ = try lockStateDirectory(dir)
            store = try Store(path: dir + "/vuoro.db")
            store.ownFiles = [dir + "/vuoro.lock"]
            restrictStateFiles(dir)
            let clock = SystemClock()
            let calendar = ServiceCalendar(timeZoneIdentifier: centreConfig.timeZone)!
            let snapshot = try store.load(today: calendar.day(containing: clock.now()).date)
            centre = Centre(config: centreConfig, clock: clock, snapshot: snapshot)
            try store.commit(centre.takeChanges())
            logEndedAtRemovedCounters(centre, logger)
        } catch {
            logger.critical("cannot open the state in \(dir): \(error)")
            throw ExitCode(1)
        }

        var options = ServerOptions(
            maxConnections: maxConnections, idleTimeout: Int64(idleTimeout), access: loaded.access)
        if let ioThreads { options.ioThreads = ioThreads }
        options.backupDirectory = backupDir ?? loaded.backupDirectory
        // Without tokens every connection is admin: only this host may reach such a daemon.
        if loaded.access.isOpen,
            let open = (inherited.isEmpty ? addresses : []).first(where: { !$0.isLoopback })
                ?? apiAddress.flatMap({ $0.isLoopback ? nil : $0 })
        {
            logger.critical(
                "refusing to listen on \(open): no [[token]] is configured, so every connection would be admin; configure tokens or listen on loopback only"
            )
            throw ExitCode(1)
        }
        let server = VuoroServer(
            centre: centre, store: store, options: options, logger: logger,
            metrics: metrics == nil ? nil : ServerMetrics())
        let site = centreConfig.site
        let reloader = Reloader(path: config, server: server, logger: logger, sockets: (loaded.listen, loaded.web))
        // Listening starts inside the service group, once SIGTERM and SIGINT are trapped: a signal that comes
        // right after the first connection still stops the daemon gracefully.
        let start: @Sendable () async throws -> Void = {
            do {
                // Sockets passed by systemd are served instead of --listen.
                let bound =
                    inherited.isEmpty
                    ? try await server.start(listen: addresses)
                    : try await server.start(inheritedDescriptors: inherited)
                if loaded.access.isOpen, let open = bound.first(where: { !VuoroServer.isLoopback($0) }) {
                    logger.critical(
                        "refusing to serve \(open) passed by systemd: no [[token]] is configured, so every connection would be admin"
                    )
                    await server.shutdown()
                    throw ExitCode(1)
                }
                let names = bound.map { a in a.pathname.map { "unix:\($0)" } ?? "\(a.ipAddress ?? "?"):\(a.port ?? 0)" }
                logger.notice(
                    "listening on \(names.joined(separator: " ")) for \(site), state in \(dir) (vuorod \(vuoroVersion))"
                )
                for warning in ConfigFile.exposedSecrets(loaded) { logger.warning("\(warning)") }
                if case .tcp(let host, let port) = metricsAddress,
                    let a = try await server.startMetrics(host: host, port: port)
                {
                    logger.notice("metrics on http://\(a.ipAddress ?? host):\(a.port ?? port)/metrics")
                }
                if case .tcp(let host, let port) = webAddress {
                    // The daemon's own key for Web Push (VAPID), made at first start and kept in the state.
                    let vapid = try VAPID.loadOrCreate(
                        at: dir + "/vapid.key", subject: loaded.pushContact ?? "mailto:vuoro@localhost")
                    if let a = try await server.startWeb(
                        host: host, port: port,
                        options: HTTPListenerOptions(maxConnections: webMaxConnections, maxPerPeer: webMaxPerPeer),
                        push: WebPushOptions(vapid: vapid))
                    {
                        logger.notice("visitors' pages on http://\(a.ipAddress ?? host):\(a.port ?? port)/")
                    }
                }
                if case .tcp(let host, let port) = apiAddress, let a = try await server.startAPI(host: host, port: port) {
                    logger.notice("booking API on http://\(a.ipAddress ?? host):\(a.port ?? port)/api/v1/appointments")
                }
            } catch let e as ExitCode {
                throw e
            } catch {
                // NIO's error names a system call; people need the address and the reason.
                let reason =
                    (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
                logger.critical(
                    "cannot listen on \((addresses + others).map(\.description).joined(separator: ", ")): \(reason)"
                )
                await server.shutdown()
                throw ExitCode(1)
            }
            let waiting = try await server.waitingCount()
            Systemd.ready(status: Vuorod.statusLine(waiting))
            let status = StatusThrottle()
            try await server.setCommitObserver { waiting in status.update(waiting) }
            if let usec = Systemd.watchdogMicroseconds() {
                logger.info("watchdog every \(usec / 2000) ms")
                server.every(.microseconds(Int64(usec / 2))) { Systemd.watchdog() }
            }
            reloader.install()
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: DaemonService(server: server, start: start))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        // The reloader holds the SIGHUP source: it lives as long as the group runs.
        try await group.run()
        withExtendedLifetime(reloader) {}
        logger.notice("stopped")
    }
}

extension Vuorod {
    static func statusLine(_ waiting: Int) -> String { "Serving; \(waiting) tickets waiting" }
}

/// Tells systemd how many tickets wait, at most once a second, from the engine's loop.
final class StatusThrottle: @unchecked Sendable {
    private var last: Int = -1
    private var sentAt: UInt64 = 0
    func update(_ waiting: Int) {
        let now = Systemd.monotonicMicroseconds()
        guard waiting != last, now - sentAt >= 1_000_000 else { return }
        last = waiting
        sentAt = now
        Systemd.status(Vuorod.statusLine(waiting))
    }
}

/// Keeps the server running until a graceful-shutdown signal, then stops it.
struct DaemonService: Service {
    let server: VuoroServer
    let start: @Sendable () async throws -> Void
    func run() async throws {
        try await start()
        try? await gracefulShutdown()
        Systemd.stopping()
        await server.shutdown()
    }
}

/// SIGHUP: re-reads the configuration; a file that does not parse is refused and the old one stays.
final class Reloader: @unchecked Sendable {
    let path: String?
    let server: VuoroServer
    let logger: Logger
    /// The configuration's `listen` and `web` at start: sockets are opened once, so a change waits for a restart.
    let sockets: (listen: [ListenAddress], web: ListenAddress?)
    private var source: DispatchSourceSignal?

    init(path: String?, server: VuoroServer, logger: Logger, sockets: (listen: [ListenAddress], web: ListenAddress?)) {
        self.path = path
        self.server = server
        self.logger = logger
        self.sockets = sockets
    }

    func install() {
        signal(SIGHUP, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        s.setEventHandler { [self] in
            Task { await self.reload() }
        }
        s.resume()
        source = s
    }

    func reload() async {
        Systemd.reloading()
        defer { Systemd.notify("READY=1") }
        guard let path else {
            logger.notice("SIGHUP: running the built-in demo centre, nothing to re-read")
            return
        }
        do {
            let config = try ConfigFile.load(path: path)
            try await server.reconfigure(config.centre, access: config.access)
            logger.notice("configuration re-read from \(path)")
            for warning in ConfigFile.exposedSecrets(config) { logger.warning("\(warning)") }
            if config.listen != sockets.listen {
                logger.warning("listen changed in \(path): it takes effect when vuorod restarts")
            }
            if config.web != sockets.web {
                logger.warning("web changed in \(path): it takes effect when vuorod restarts")
            }
        } catch {
            logger.error("configuration not re-read, keeping the old one: \(error)")
        }
    }
}

