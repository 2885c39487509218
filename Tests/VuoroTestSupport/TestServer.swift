// Starts the real server in the test process: a temporary SQLite file, a manual clock, port 0 on loopback.
import Foundation
import Logging
import NIOCore
@_exported import VuoroChild
import VuoroCore
import VuoroProtocol
import VuoroServer
import VuoroStore

/// A running server over a real store file, and the means to restart it on the same file.
public final class TestServer {
    public let directory: String
    public let clock: ManualClock
    public let config: CentreConfig
    public private(set) var server: VuoroServer!
    public private(set) var port: Int = 0
    public var dbPath: String { directory + "/vuoro.db" }

    /// A fresh temporary directory.
    public static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "vuoro-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    public init(
        config: CentreConfig = .demo, clock: ManualClock = ManualClock(1_795_420_800_000), directory: String? = nil,
        options: ServerOptions = ServerOptions(), metrics: ServerMetrics? = nil
    ) async throws {
        self.directory = directory ?? TestServer.temporaryDirectory()
        self.clock = clock
        self.config = config
        self.metrics = metrics
        try await start(options: options)
    }

    public let metrics: ServerMetrics?

    public func start(options: ServerOptions = ServerOptions()) async throws {
        let store = try Store(path: dbPath)
        let calendar = ServiceCalendar(timeZoneIdentifier: config.timeZone)!
        let snapshot = try store.load(today: calendar.day(containing: clock.now()).date)
        let centre = Centre(config: config, clock: clock, snapshot: snapshot)
        try store.commit(centre.takeChanges())
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = VuoroServer(centre: centre, store: store, options: options, logger: logger, metrics: metrics)
        let bound = try await server.start(listen: [.tcp(host: "127.0.0.1", port: 0)])
        port = bound.first!.port!
    }

    public func stop() async { await server.shutdown() }

    public func restart() async throws {
        await stop()
        try await start()
    }

    public func client() throws -> LineClient { try LineClient(port: port) }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}
