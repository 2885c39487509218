// The options every client shares: which daemon, and the token to authenticate with.
import ArgumentParser
import Foundation

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
    }

    /// Connects and authenticates when a secret is given.
    public func connect() throws -> ClientConnection {
        let c = try ClientConnection(server: address)
        if let s = try secret() { try c.request("AUTH \(s)") }
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
