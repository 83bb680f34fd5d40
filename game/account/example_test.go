package account_test

import (
	"fmt"

	"github.com/trelljaz/trelljaz/game/account"
)

func ExampleNameKey() {
	// A Latin "Anna" and one written with a Cyrillic «А» cannot both sit in the club.
	fmt.Println(account.NameKey("Anna") == account.NameKey("\u0410nna"))
	fmt.Println(account.NameKey("Anna") == account.NameKey("Anne"))
	// Output:
	// true
	// false
}
