import SwiftUI

struct Workout: Identifiable, Codable {
    let id: UUID
    var name: String
    var durationSeconds: Int
    var calories: Double
    var date: Date
}

final class WorkoutStore: ObservableObject {
    @Published private(set) var workouts: [Workout] = []
    private let url = FileManager.default.urls(for: .documentDirectory, in: .userDomainMask)[0]
        .appendingPathComponent("workouts.json")

    func load() {
        guard let data = try? Data(contentsOf: url) else { return }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        workouts = (try? decoder.decode([Workout].self, from: data)) ?? []
    }

    func add(_ name: String, minutes: Int, calories: Double) {
        workouts.append(Workout(id: UUID(), name: name, durationSeconds: minutes * 60, calories: calories, date: .now))
    }
}

struct ContentView: View {
    @StateObject private var store = WorkoutStore()

    var body: some View {
        NavigationStack {
            List(store.workouts) { w in
                VStack(alignment: .leading) {
                    Text(w.name).font(.headline)
                    Text("\(w.durationSeconds / 60) min · \(Int(w.calories)) kcal")
                        .font(.subheadline)
                        .foregroundStyle(.secondary)
                }
            }
            .navigationTitle("Workouts")
            .onAppear { store.load() }
        }
    }
}

#Preview {
    ContentView()
}
