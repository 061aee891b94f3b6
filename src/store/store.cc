#include "store/store.h"

namespace bulwark::store {

const char* TagTargetName(TagTarget target) {
  return target == TagTarget::kEvent ? "event" : "attribute";
}

}  // namespace bulwark::store
