// The options every client shares: which daemon, and the token to authenticate with.
import ArgumentParser
import Foundation
@_exported import VuoroQR

/// `--server`, `--token`, `--token-file`, with `$VUORO_SERVER` and `$VUORO_TOKEN` as defaults.
public struct ConnectionOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "vuorod's address: HOST:PORT, [IPv6]:PORT or unix:PATH (default $VUORO_SERVER, else 127.0.0.1:7410).",
            valueName: "host:port"))
    public var server: String?

    @Option(name: .long, help: ArgumentHelp("Secret to authenticate with (default $VUORO_TOKEN).", valueName: "secret"))
    public var token: String?

    @Option(
        name: .long,
        help: ArgumentHelp("File holding the secret, for example /etc/vuoro/kiosk.token.", valueName: "file"))
    public var tokenFile: String?

    public init() {}

    public var address: String {
        server ?? ProcessInfo.processInfo.environment["VUORO_SERVER"] ?? "127.0.0.1:7410"
    }

    public func secret() throws -> String? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile),
                var text = String(data: data, encoding: .utf8)
            else { throw ValidationError("cannot read --token-file \(tokenFile)") }
            while text.last == "\n" || text.last == "\r" { text.removeLast() }
            guard !text.isEmpty else { throw ValidationError("--token-file \(tokenFile) is empty") }
            return text
        }
        if token == "" { throw ValidationError("--token is empty") }
        // An empty $VUORO_TOKEN is taken as none.
        return token ?? ProcessInfo.processInfo.environment["VUORO_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func validate() throws {
        if token != nil && tokenFile != nil { throw ValidationError("give --token or --token-file, not both") }
        if let server, let problem = ConnectionOptions.problem(server) { throw ValidationError("--server \(problem)") }
    }

    /// What is wrong with an address given as `--server` or `$VUORO_SERVER`, or nil.
    public static func problem(_ server: String) -> String? {
        if server.hasPrefix("unix:") { return server.count > 5 ? nil : "\(server): unix: needs a socket's path" }
        guard let colon = server.lastIndex(of: ":"), !server.hasSuffix("]"),
            let port = Int(server[server.index(after: colon)...]), (1...65535).contains(port)
        else {
            return "\(server): HOST:PORT needs a port, for example \(server.split(separator: ":").first ?? "127.0.0.1"):7410"
        }
        return nil
    }

    /// The options that name a value (`--server X` or `--server=X`).
    static let valued: Set<String> = ["--server", "--token", "--token-file"]

    /// `arguments` with the shared options given before the subcommand moved after it, where the subcommand's own
    /// parser takes them: `--server H:P status --json` becomes `status --server H:P --json`.
    public static func hoisted(_ arguments: [String]) -> [String] {
        var shared: [String] = []
        var i = 0
        while i < arguments.count, arguments[i].hasPrefix("--") {
            let a = arguments[i]
            let name = String(a.split(separator: "=", maxSplits: 1).first ?? "")
            guard valued.contains(name) else { break }
            if a.contains("=") {
                shared.append(a)
                i += 1
            } else {
                guard i + 1 < arguments.count else { break }
                shared += [a, arguments[i + 1]]
                i += 2
            }
        }
        guard !shared.isEmpty, i < arguments.count else { return arguments }
        return [arguments[i]] + shared + arguments[(i + 1)...]
    }

    /// Connects and authenticates when a secret is given.
    public func connect() throws -> ClientConnection {
        let c = try ClientConnection(server: address)
        if let s = try secret() { try c.call(.auth(s)) }
        return c
    }
}

/// Runs a client's work, turning every failure into one line on stderr and exit status 1.
public func runClient(_ name: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ReportedError {
        FileHandle.standardError.write(Data("\(name): \(e)\n".utf8))
        throw ExitCode(1)
    }
}

/// An error a client program reports on one line, `program: what went wrong`, before it exits 1.
public protocol ReportedError: Error, CustomStringConvertible {}

extension ClientError: ReportedError {}
