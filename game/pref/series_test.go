package pref

import "testing"

func TestExitAfter(t *testing.T) {
	tests := []struct {
		name string
		exit Exit
		k    int
		want int
	}{
		{"NoRaspasyNoRestriction", Exit{7, 7, 7}, 0, 6},
		{"FirstRaspasyUsesFirstLevel", Exit{6, 7, 8}, 1, 6},
		{"SecondRaspasyUsesSecondLevel", Exit{6, 7, 8}, 2, 7},
		{"ThirdRaspasyUsesThirdLevel", Exit{6, 7, 8}, 3, 8},
		{"LongSeriesStaysAtThirdLevel", Exit{6, 7, 8}, 12, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.exit.After(tt.k); got != tt.want {
				t.Fatalf("%v.After(%d) = %d, want %d", tt.exit, tt.k, got, tt.want)
			}
		})
	}
}

func TestExitValidate(t *testing.T) {
	for _, e := range ExitValues {
		if err := e.Validate(); err != nil {
			t.Errorf("%v: %v", e, err)
		}
	}
	for _, e := range []Exit{{5, 6, 6}, {6, 11, 6}, {6, 6, 0}} {
		if e.Validate() == nil {
			t.Errorf("%v: no error for a level outside 6..10", e)
		}
	}
}

func TestSeriesNext(t *testing.T) {
	def := SeriesRules{ExitByFailedContract: true, MisereExits: true}
	fspr := SeriesRules{ExitByFailedContract: true, ExitRequiresWhisted: true}
	strict := SeriesRules{MisereExits: true}
	tests := []struct {
		name   string
		rules  SeriesRules
		misere bool
		out    Outcome
		want   int
	}{
		{"RaspasyAddsOne", def, false, Raspasy, 3},
		{"MadeContractExits", def, false, Made, 0},
		{"FailedContractExitsByDefault", def, false, Failed, 0},
		{"FailedContractKeepsSeriesWithoutExitByFailed", strict, false, Failed, 2},
		{"UnplayedContractExitsByDefault", def, false, Unplayed, 0},
		{"UnplayedContractKeepsSeriesWhenWhistRequired", fspr, false, Unplayed, 2},
		{"PlayedContractExitsWhenWhistRequired", fspr, false, Failed, 0},
		{"ConcededExitsByDefault", def, false, Conceded, 0},
		{"ConcededKeepsSeriesWhenWhistRequired", fspr, false, Conceded, 2},
		{"ConcededKeepsSeriesWithoutExitByFailed", strict, false, Conceded, 2},
		{"CleanMisereExitsByDefault", def, true, Made, 0},
		{"FailedMisereExitsByDefault", def, true, Failed, 0},
		{"FailedMisereKeepsSeriesWithoutExitByFailed", strict, true, Failed, 2},
		{"MisereKeepsSeriesWithoutMisereExits", fspr, true, Made, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Next(2, tt.misere, tt.out); got != tt.want {
				t.Fatalf("Next(2, misère %v, %d) = %d, want %d", tt.misere, tt.out, got, tt.want)
			}
		})
	}
}
