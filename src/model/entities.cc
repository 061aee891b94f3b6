#include "model/entities.h"

namespace bulwark::model {

const char* ChangeActionName(ChangeAction a) {
  switch (a) {
    case ChangeAction::kAdd: return "add";
    case ChangeAction::kEdit: return "edit";
    case ChangeAction::kDelete: return "delete";
    case ChangeAction::kRestore: return "restore";
    case ChangeAction::kPublish: return "publish";
    case ChangeAction::kUnpublish: return "unpublish";
  }
  return "edit";
}

}  // namespace bulwark::model
