package lobby

import "errors"

// ErrUnrestorable is in Restore's error for a pulka whose table cannot be
// rebuilt from what was recorded (table.Restore refused it: settings that
// do not validate, a move the rules refuse, deals that do not follow the
// sheet). Trying again at the next start gives the same error, so the
// caller abandons such a pulka (journal.Journal.Restore does). A closed
// lobby or a table id already taken is not this error.
var ErrUnrestorable = errors.New("the pulka cannot be restored")
