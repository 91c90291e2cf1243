import Imaging
import XCTest

final class PlanarImageViewTests: XCTestCase {
  /// A view shares the storage's memory in its own shape and keeps the storage alive after the last other
  /// reference to it is gone.
  func testViewSharesStorageAndKeepsItAlive() {
    var storage: PlanarImage? = PlanarImage(width: 100, height: 1, channels: 1)
    let view = PlanarImage(width: 4, height: 3, channels: 2, viewing: storage!)
    XCTAssertEqual(view.data, storage!.data)
    view[1, 2, 3] = 7
    XCTAssertEqual(storage!.data[(1 * 3 + 2) * 4 + 3], 7)
    weak var weakStorage = storage
    storage = nil
    XCTAssertNotNil(weakStorage, "the view holds its storage")
    XCTAssertEqual(view[1, 2, 3], 7)
  }
}
