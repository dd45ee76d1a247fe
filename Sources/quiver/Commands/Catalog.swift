import ArgumentParser
import Foundation
import QuiverService
import QuiverGraph
import QuiverSnapshot
import QuiverStore

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
