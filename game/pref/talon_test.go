package pref

import "testing"

func TestTalonBonus(t *testing.T) {
	const s, c, h = 0, 1, 3
	tests := []struct {
		name string
		a, b TalonCard
		want int
	}{
		{"TwoAces", TalonCard{Ace, s}, TalonCard{Ace, h}, 3},
		{"AceKingOfOneSuit", TalonCard{Ace, c}, TalonCard{King, c}, 2},
		{"KingAceOfOneSuit", TalonCard{King, c}, TalonCard{Ace, c}, 2},
		{"AceKingOfTwoSuitsIsOneAce", TalonCard{Ace, c}, TalonCard{King, h}, 1},
		{"OneAce", TalonCard{7, s}, TalonCard{Ace, h}, 1},
		{"KingQueenOfOneSuit", TalonCard{Queen, h}, TalonCard{King, h}, 1},
		{"KingQueenOfTwoSuits", TalonCard{Queen, h}, TalonCard{King, s}, 0},
		{"NoHonours", TalonCard{10, s}, TalonCard{11, s}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TalonBonus(tt.a, tt.b); got != tt.want {
				t.Fatalf("TalonBonus(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
