// A small centre for the domain tests, on Monday 2026-11-23 10:00 in Helsinki.
import VuoroCore

/// Monday 2026-11-23 10:00 Helsinki (08:00 UTC).
let monday10: Millis = 1_795_420_800_000

func testConfig(streak: Int = 3, hours: OpeningHours? = nil) -> CentreConfig {
    CentreConfig(
        site: "Test centre", timeZone: "Europe/Helsinki", languages: ["fi", "sv", "en"], maxPriorityStreak: streak,
        queues: [
            QueueConfig(id: "kela", prefix: "K", names: ["fi": "Kela"], weight: 1.0, serviceTime: 480, hours: hours),
            QueueConfig(id: "health", prefix: "H", names: ["fi": "Terveysasema"], weight: 2.0, serviceTime: 600),
            QueueConfig(id: "lab", prefix: "L", names: ["fi": "Laboratorio"], weight: 1.0, serviceTime: 240),
        ],
        counters: [
            CounterConfig(id: "1", queues: ["kela"]),
            CounterConfig(id: "2", queues: ["kela"]),
            CounterConfig(id: "3", queues: ["kela", "health"]),
            CounterConfig(id: "9", queues: ["lab"]),
        ])
}

func makeCentre(_ config: CentreConfig = testConfig(), at time: Millis = monday10) -> (Centre, ManualClock) {
    let clock = ManualClock(time)
    return (Centre(config: config, clock: clock, snapshot: Snapshot()), clock)
}
