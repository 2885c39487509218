// The release of vuoro, which every program prints with --version and vuorod logs when it starts.

/// The version of vuoro's programs and protocol implementation; raised with each release.
public let vuoroVersion = "0.13.0"
