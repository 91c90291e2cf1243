/// Where one component of a pixel format lives: plane, byte step and offset, bit shift, mask.
struct ComponentLayout {
  var plane: Int
  var step: Int
  var offset: Int
  var shift: Int
  var mask: Int
}
