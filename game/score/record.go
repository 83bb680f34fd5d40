package score

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/trelljaz/trelljaz/game/pref"
	"github.com/trelljaz/trelljaz/game/rules"
)

// Limits on an untrusted pulka record, so a bad one costs bounded memory.
const (
	// MaxRecordSize is the largest record Decode reads, in bytes.
	MaxRecordSize = 1 << 20
	// MaxRecordDeals is the largest number of deals in a record.
	MaxRecordDeals = 10000
)

// Record is a pulka record (PULKA-FORMAT.md): the table settings and the
// deals in the order played.
type Record struct {
	Convention  string                     `json:"convention"`
	Options     map[string]json.RawMessage `json:"options,omitempty"`
	Players     []string                   `json:"players"`
	PoolTarget  int                        `json:"pool_target,omitempty"`
	FirstDealer string                     `json:"first_dealer"`
	Deals       []RecordDeal               `json:"deals"`
	// Fines are mountain points written on players when the pulka was
	// closed early (a player out of time), by name; applied after the
	// last deal, before the settlement.
	Fines map[string]int `json:"fines,omitempty"`
}

// RecordDeal is one deal of a pulka record, players by name.
type RecordDeal struct {
	Raspasy  bool              `json:"raspasy,omitempty"`
	Contract string            `json:"contract,omitempty"`
	Declarer string            `json:"declarer,omitempty"`
	Whist    map[string]string `json:"whist,omitempty"`
	Tricks   map[string]int    `json:"tricks,omitempty"`
	Talon    []string          `json:"talon,omitempty"`
}

// RecordError is a bad record: Deal is the index of the deal at fault (from
// 0), or -1 for the record's own fields. Its message names the field, as in
// `deal 3: whist: "B" is the declarer`.
type RecordError struct {
	Deal int
	Err  error
}

func (e *RecordError) Error() string {
	if e.Deal < 0 {
		return e.Err.Error()
	}
	return "deal " + strconv.Itoa(e.Deal) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *RecordError) Unwrap() error { return e.Err }

func recordErr(deal int, field, format string, args ...any) error {
	return &RecordError{Deal: deal, Err: fieldErr(field, format, args...)}
}

// Decode reads one pulka record of at most MaxRecordSize bytes. Unknown
// fields, trailing data and values of the wrong type are errors naming the
// deal and the field.
func Decode(r io.Reader) (Record, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRecordSize+1))
	if err != nil {
		return Record{}, &RecordError{Deal: -1, Err: fmt.Errorf("record: %w", err)}
	}
	if len(data) > MaxRecordSize {
		return Record{}, recordErr(-1, "record", "larger than %d bytes", MaxRecordSize)
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode on a byte slice (of any size the caller accepts).
func DecodeBytes(data []byte) (Record, error) {
	var rec Record
	top, err := object(data)
	if err != nil {
		return rec, recordErr(-1, "record", "%v", err)
	}
	for _, k := range sortedKeys(top) {
		raw := top[k]
		var err error
		switch k {
		case "convention":
			err = strict(raw, &rec.Convention)
		case "options":
			if err = strict(raw, &rec.Options); err == nil && len(rec.Options) == 0 {
				rec.Options = nil // {} and absent mean the same
			}
		case "players":
			err = strict(raw, &rec.Players)
		case "pool_target":
			err = strict(raw, &rec.PoolTarget)
		case "first_dealer":
			err = strict(raw, &rec.FirstDealer)
		case "fines":
			if err = strict(raw, &rec.Fines); err == nil && len(rec.Fines) == 0 {
				rec.Fines = nil
			}
		case "deals":
			var deals []json.RawMessage
			if err = strict(raw, &deals); err == nil {
				if len(deals) > MaxRecordDeals {
					return rec, recordErr(-1, "deals", "%d deals, at most %d", len(deals), MaxRecordDeals)
				}
				rec.Deals = make([]RecordDeal, len(deals))
				for i, d := range deals {
					if rec.Deals[i], err = decodeDeal(d); err != nil {
						return rec, &RecordError{Deal: i, Err: err}
					}
				}
			}
		default:
			return rec, recordErr(-1, k, "unknown field")
		}
		if err != nil {
			var re *RecordError
			if errors.As(err, &re) {
				return rec, err
			}
			return rec, recordErr(-1, k, "%v", err)
		}
	}
	return rec, nil
}

func decodeDeal(data []byte) (RecordDeal, error) {
	var d RecordDeal
	m, err := object(data)
	if err != nil {
		return d, fieldErr("deal", "%v", err)
	}
	for _, k := range sortedKeys(m) {
		raw := m[k]
		var err error
		switch k {
		case "raspasy":
			err = strict(raw, &d.Raspasy)
		case "contract":
			err = strict(raw, &d.Contract)
		case "declarer":
			err = strict(raw, &d.Declarer)
		case "whist":
			err = strict(raw, &d.Whist)
		case "tricks":
			err = strict(raw, &d.Tricks)
		case "talon":
			err = strict(raw, &d.Talon)
		default:
			return d, fieldErr(k, "unknown field")
		}
		if err != nil {
			return d, fieldErr(k, "%v", err)
		}
	}
	return d, nil
}

// object decodes a JSON object into its raw members.
func object(data []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := strict(data, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("want a JSON object")
	}
	return m, nil
}

// strict decodes exactly one JSON value, with a short error message.
func strict(data []byte, v any) error {
	// json.Unmarshal rejects trailing data after the value.
	if err := json.Unmarshal(data, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("want %s, got JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
		}
		return fmt.Errorf("bad JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64":
		return "an integer"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "map", "struct":
		return "an object"
	case "slice":
		return "an array"
	}
	return k
}

// Encode writes the record as JSON.
func (r Record) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	return enc.Encode(r)
}

// Settings returns the record's settings: the convention's preset, then
// pool_target and the number of players, then the options (Decision 15).
func (r Record) Settings() (Settings, error) {
	conv := r.Convention
	if conv == "" {
		conv = "sochi"
	}
	s, err := Preset(conv)
	if err != nil {
		return s, fieldErr("convention", "%v", err)
	}
	if r.PoolTarget < 0 || r.PoolTarget > 10000 {
		return s, fieldErr("pool_target", "%d outside 1..10000", r.PoolTarget)
	}
	if r.PoolTarget != 0 { // 0 or absent: the preset's target
		s.PoolTarget = r.PoolTarget
	}
	s.Players = len(r.Players)
	s, err = ParseOptions(s, r.Options)
	if err != nil {
		return s, err
	}
	if s.Players != len(r.Players) {
		return s, fieldErr("options", "players: %d, but %d players are listed", s.Players, len(r.Players))
	}
	if r.PoolTarget != 0 && s.PoolTarget != r.PoolTarget {
		return s, fieldErr("options", "pool_target: %d, but the record says %d", s.PoolTarget, r.PoolTarget)
	}
	return s, nil
}

// NewSheet checks the record's settings, players and first dealer and
// returns the empty sheet its deals are written on.
func (r Record) NewSheet() (*Sheet, error) {
	if n := len(r.Players); n != 3 && n != 4 {
		return nil, recordErr(-1, "players", "%d players, want 3 or 4", n)
	}
	seen := map[string]bool{}
	for _, p := range r.Players {
		if p == "" || len(p) > 64 {
			return nil, recordErr(-1, "players", "a name must have 1..64 bytes")
		}
		if seen[p] {
			return nil, recordErr(-1, "players", "%q is listed twice", p)
		}
		seen[p] = true
	}
	s, err := r.Settings()
	if err != nil {
		return nil, &RecordError{Deal: -1, Err: err}
	}
	fd := seatOf(r.Players, r.FirstDealer)
	if fd < 0 {
		return nil, recordErr(-1, "first_dealer", "%q is not a player", r.FirstDealer)
	}
	return NewSheet(s, fd, r.Players...)
}

func seatOf(players []string, name string) int {
	for i, p := range players {
		if p == name {
			return i
		}
	}
	return -1
}

// Deal converts a record deal into a Deal, checking the names.
func (rd RecordDeal) Deal(players []string) (Deal, error) {
	var d Deal
	d.Raspasy = rd.Raspasy
	if rd.Raspasy {
		if rd.Contract != "" || rd.Declarer != "" || rd.Whist != nil || rd.Talon != nil {
			return d, fieldErr("raspasy", "a raspasy deal has no contract, declarer, whist or talon")
		}
	} else {
		if rd.Contract == "" {
			return d, fieldErr("contract", "missing (or give \"raspasy\": true)")
		}
		c, err := ParseContract(rd.Contract)
		if err != nil {
			return d, fieldErr("contract", "%v", err)
		}
		d.Contract = c
		if d.Declarer = seatOf(players, rd.Declarer); d.Declarer < 0 {
			if rd.Declarer == "" {
				return d, fieldErr("declarer", "missing")
			}
			return d, fieldErr("declarer", "%q is not a player", rd.Declarer)
		}
	}
	for _, name := range sortedKeys(rd.Whist) {
		p := seatOf(players, name)
		switch {
		case p < 0:
			return d, fieldErr("whist", "%q is not a player", name)
		case p == d.Declarer:
			return d, fieldErr("whist", "%q is the declarer", name)
		}
		w, err := pref.ParseCall(rd.Whist[name])
		if err != nil {
			return d, fieldErr("whist", "%q: %v", name, err)
		}
		d.Whist[p] = w
	}
	for _, name := range sortedKeys(rd.Tricks) {
		p := seatOf(players, name)
		if p < 0 {
			return d, fieldErr("tricks", "%q is not a player", name)
		}
		if t := rd.Tricks[name]; t < 0 || t > 10 {
			return d, fieldErr("tricks", "%q took %d tricks, want 0..10", name, t)
		}
		d.Tricks[p] = rd.Tricks[name]
	}
	if rd.Talon != nil {
		if len(rd.Talon) != 2 {
			return d, fieldErr("talon", "%d cards, want 2", len(rd.Talon))
		}
		b, err := TalonBonusOf(rd.Talon[0], rd.Talon[1])
		if err != nil {
			return d, fieldErr("talon", "%v", err)
		}
		if d.Contract != rules.Misere {
			d.TalonBonus = b
		}
	}
	return d, nil
}

// RecordDealOf converts a Deal into a record deal, players by name: the
// inverse of RecordDeal.Deal, except that a talon bonus is not written
// (the record holds talon cards, not the bonus).
func RecordDealOf(d Deal, players []string) RecordDeal {
	var rd RecordDeal
	if d.Raspasy {
		rd.Raspasy = true
	} else {
		rd.Contract = d.Contract.ASCII()
		rd.Declarer = players[d.Declarer]
	}
	for p := range players {
		if d.Whist[p] != pref.CallNone {
			if rd.Whist == nil {
				rd.Whist = map[string]string{}
			}
			rd.Whist[players[p]] = d.Whist[p].String()
		}
	}
	played := false
	for p := range players {
		played = played || d.Tricks[p] != 0
	}
	if played {
		rd.Tricks = map[string]int{}
		for p := range players {
			rd.Tricks[players[p]] = d.Tricks[p]
		}
	}
	return rd
}

// Output is what cmd/pulka prints (PULKA-FORMAT.md "Output"): the running
// sheet after every deal and the settlement.
type Output struct {
	Players []string        `json:"players"`
	Deals   []SheetView     `json:"deals"`
	Result  SeatMap[string] `json:"result"`
	Rounded SeatMap[int64]  `json:"rounded"`
}

// SheetView is a sheet snapshot in output form, players by name.
type SheetView struct {
	Pool     SeatMap[Points]          `json:"pool"`
	Mountain SeatMap[Points]          `json:"mountain"`
	Whists   SeatMap[SeatMap[Points]] `json:"whists"`
}

// SeatMap is a JSON object keyed by player name, written in seat order.
// Names and Values have the same length.
type SeatMap[T any] struct {
	Names  []string
	Values []T
}

// Get returns the value for a name and whether it is present.
func (m SeatMap[T]) Get(name string) (T, bool) {
	for i, n := range m.Names {
		if n == name {
			return m.Values[i], true
		}
	}
	var zero T
	return zero, false
}

// MarshalJSON writes the pairs in order.
func (m SeatMap[T]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, n := range m.Names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(n)
		v, err := json.Marshal(m.Values[i])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// View returns the sheet in output form with the given player names; whists
// are listed only when non-zero.
func (s *Sheet) View(names []string) SheetView {
	var v SheetView
	for p, name := range names {
		v.Pool.Names = append(v.Pool.Names, name)
		v.Pool.Values = append(v.Pool.Values, s.Pool[p])
		v.Mountain.Names = append(v.Mountain.Names, name)
		v.Mountain.Values = append(v.Mountain.Values, s.Mountain[p])
		var on SeatMap[Points]
		for q, other := range names {
			if w := s.Whists[p][q]; w != 0 {
				on.Names = append(on.Names, other)
				on.Values = append(on.Values, w)
			}
		}
		if len(on.Names) > 0 {
			v.Whists.Names = append(v.Whists.Names, name)
			v.Whists.Values = append(v.Whists.Values, on)
		}
	}
	if v.Whists.Names == nil {
		v.Whists.Names, v.Whists.Values = []string{}, []SeatMap[Points]{}
	}
	return v
}

// Run scores a whole record: it writes every deal on a fresh sheet and
// settles it. A bad record gives a *RecordError naming the deal and field.
func Run(rec Record) (Output, *Sheet, error) {
	sh, err := rec.NewSheet()
	if err != nil {
		var re *RecordError
		if !errors.As(err, &re) {
			err = &RecordError{Deal: -1, Err: err}
		}
		return Output{}, nil, err
	}
	out := Output{Players: rec.Players, Deals: make([]SheetView, 0, len(rec.Deals))}
	for i, rd := range rec.Deals {
		d, err := rd.Deal(rec.Players)
		if err == nil {
			err = sh.Apply(d)
		}
		if err != nil {
			return Output{}, nil, &RecordError{Deal: i, Err: err}
		}
		out.Deals = append(out.Deals, sh.View(rec.Players))
	}
	for name, pts := range rec.Fines {
		p := seatOf(rec.Players, name)
		if p < 0 || pts < 0 || pts > 100000 {
			return Output{}, nil, recordErr(-1, "fines", "%q: %d points for a player not listed, or out of 0..100000", name, pts)
		}
		sh.Mountain[p] += Pts(pts)
	}
	res, err := sh.Settle()
	if err != nil {
		return Output{}, nil, &RecordError{Deal: -1, Err: err}
	}
	for p, name := range rec.Players {
		out.Result.Names = append(out.Result.Names, name)
		out.Result.Values = append(out.Result.Values, res.Exact[p].RatString())
		out.Rounded.Names = append(out.Rounded.Names, name)
		out.Rounded.Values = append(out.Rounded.Values, res.Rounded[p])
	}
	return out, sh, nil
}

// RunJSON decodes a record from r (at most MaxRecordSize bytes), scores it
// and writes the output JSON to w, one line.
func RunJSON(r io.Reader, w io.Writer) error {
	rec, err := Decode(r)
	if err != nil {
		return err
	}
	out, _, err := Run(rec)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(out)
}
