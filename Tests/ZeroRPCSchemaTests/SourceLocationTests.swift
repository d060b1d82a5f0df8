import Testing
import ZeroRPCSchema

@Suite struct SourceLocationTests {
    @Test func ordersByLineThenColumn() {
        #expect(SourceLocation(line: 1, column: 9) < SourceLocation(line: 2, column: 1))
        #expect(SourceLocation(line: 3, column: 2) < SourceLocation(line: 3, column: 5))
    }
}
