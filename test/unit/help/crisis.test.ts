import { describe, expect, it } from 'vitest';
import { loadCrisisWords } from '../../../src/config/help-rules.ts';
import { crisisMatcher, findCrisisTerms, normaliseForMatching } from '../../../src/domain/help/crisis.ts';

// The list the bot ships, so these tests break if an edit to data/crisis-words.json loses a phrasing.
const shipped = crisisMatcher(loadCrisisWords());

describe('crisis terms: the shipped list', () => {
  it.each([
    ['self-harming', 'self-harm'],
    ["I've been self harming again", 'self-harm'],
    ['#selfharm', 'self-harm'],
    ['a self-harmer', 'self-harm'],
    ['I overdosed last year', 'overdose'],
    ['I keep thinking about overdosing', 'overdose'],
    ['I cut myself again', 'cut myself'],
    ['cutting myself is the only thing that helps', 'cut myself'],
    ['I hurt myself', 'hurt myself'],
    ['i want to kill myself', 'kill myself'],
    ['I keep killing myself in my head', 'kill myself'],
    ['I want to die', 'want to die'],
    ['i wanna die', 'want to die'],
    ['I wanted to die', 'want to die'],
    ["I'm suicidal", 'suicidal'],
    ['thoughts of suicide', 'suicide'],
    ['I want to take my life', 'take my life'],
    ['thinking of taking my own life', 'take my own life'],
    ['I want to end my life', 'end my life'],
    ['I just want to end it all', 'end it all'],
    ["i don't want to be here anymore", "don't want to be here"],
    ['dont want to be here anymore', "don't want to be here"],
    ['I do not want to be here', "don't want to be here"],
    ['everyone would be better off without me', 'better off without me'],
    ["they'd be better off dead", 'better off dead'],
    ['there is no reason to live', 'no reason to live'],
    ["I can't go on like this", "can't go on"],
    ['I cannot go on', "can't go on"],
    ['thinking about unaliving myself', 'unalive'],
    ['kms', 'kms'],
    ['slitting my wrists', 'slit my wrist'],
    ["I'm not safe at home", 'not safe at home'],
    ["it isn't safe at home", 'not safe at home'],
    ['he hits me', 'he hits me'],
    ['she hits me when she drinks', 'she hits me'],
  ])('GIVEN "%s" THEN it matches %s', (text, term) => {
    expect(shipped.find(text)).toContain(term);
  });

  it.each([
    ['ѕuісіdе', 'suicide', 'Cyrillic look-alike letters'],
    ['kіll mуsеlf', 'kill myself', 'Cyrillic look-alike letters'],
    ['κιll myself', 'kill myself', 'Greek look-alike letters'],
    ['ТАКЕ МY LIFE', 'take my life', 'Cyrillic capitals'],
    ['ｓｕｉｃｉｄｅ', 'suicide', 'fullwidth letters'],
    ['𝐬𝐮𝐢𝐜𝐢𝐝𝐞', 'suicide', 'mathematical bold letters'],
    ['su1c1de', 'suicide', 'digits for letters'],
    ['5u!c!de', 'suicide', 'digits and "!" for letters'],
    ['k1ll mys3lf', 'kill myself', 'digits for letters'],
    ['0verd0sed', 'overdose', 'zeros for o'],
    ['$elf h4rm', 'self-harm', '"$" and digits for letters'],
    ['unal1ve', 'unalive', 'a one for l'],
    ['KIll myself', 'kill myself', 'a capital I for l'],
    ['||kill myself||', 'kill myself', 'Discord spoiler bars'],
  ])('GIVEN "%s" THEN it matches %s (%s)', (text, term) => {
    expect(shipped.find(text)).toContain(term);
  });

  it.each([
    ['I want to build my skills and skillset'],
    ['my therapist says I am doing better'],
    ['cutting the cake at the party'],
    ["I'd kill for a coffee"],
    ['this traffic is killing me'],
    ['that workout was a killer'],
    ["I'm dying to see the new film"],
    ['I hurt my back at the gym'],
    ['In the end, it all worked out'],
    ['she hits me up every weekend'],
    ['I ran 5 kms today'],
    ['I want to take my life back'],
    ["I can't go on holiday this year"],
    ["I'm better off without sugar"],
    ["I'll be here at 5"],
    ['alive and well'],
    ['I want to end it'],
  ])('GIVEN the near miss "%s" THEN nothing matches', (text) => {
    expect(shipped.find(text)).toEqual([]);
  });

  it('GIVEN an idiom and later the crisis phrase itself THEN the phrase still matches', () => {
    expect(shipped.find('In the end it all fell apart and now I want to end it all')).toEqual(['end it all']);
  });
});

describe('crisis terms: matching rules', () => {
  const terms = ['kill myself', 'suicide', "can't go on", 'end it all', 'self-harm', 'kill'];

  it('GIVEN a word inside another word THEN it does not match ("skill" is not "kill")', () => {
    expect(findCrisisTerms('I want to build my skills and skillset', terms)).toEqual([]);
  });

  it('GIVEN a listed word on its own THEN it matches', () => {
    expect(findCrisisTerms('some days I think about suicide', terms)).toEqual(['suicide']);
  });

  it('GIVEN different case THEN it still matches', () => {
    expect(findCrisisTerms('SUICIDE', terms)).toEqual(['suicide']);
  });

  it('GIVEN a curly apostrophe in the text THEN it matches a term written with a straight one', () => {
    expect(findCrisisTerms('I can’t go on like this', terms)).toEqual(["can't go on"]);
  });

  it('GIVEN an acute accent used as an apostrophe THEN the phrase still matches', () => {
    expect(findCrisisTerms('I can´t go on', terms)).toEqual(["can't go on"]);
  });

  it('GIVEN the apostrophe left out THEN the phrase still matches', () => {
    expect(findCrisisTerms('honestly i cant go on', terms)).toEqual(["can't go on"]);
  });

  it('GIVEN a phrase split by repeated spaces, a line break and punctuation THEN it matches', () => {
    expect(findCrisisTerms('I want to END   it\nall...', terms)).toEqual(['end it all']);
  });

  it('GIVEN punctuation around a word THEN it matches ("suicide?!")', () => {
    expect(findCrisisTerms('(suicide?!)', terms)).toEqual(['suicide']);
  });

  it('GIVEN a hyphenated term THEN it matches with a hyphen, a space or no space', () => {
    expect(findCrisisTerms('thinking of self harm', terms)).toEqual(['self-harm']);
    expect(findCrisisTerms('thinking of self-harm', terms)).toEqual(['self-harm']);
    expect(findCrisisTerms('thinking of selfharm', terms)).toEqual(['self-harm']);
  });

  it('GIVEN only part of a phrase THEN the phrase does not match', () => {
    expect(findCrisisTerms('I want to end it', terms)).toEqual([]);
  });

  it('GIVEN a word repeated and several terms THEN each term is returned once, in list order', () => {
    expect(findCrisisTerms('kill kill. I will kill myself, suicide', terms)).toEqual(['kill myself', 'suicide', 'kill']);
  });

  it('GIVEN the same term twice in the list THEN it is reported once, as first written', () => {
    expect(findCrisisTerms('suicide', ['Suicide', 'suicide'])).toEqual(['Suicide']);
  });

  it('GIVEN a term and its short form both listed THEN it is reported once, as first written', () => {
    expect(findCrisisTerms('I cannot go on', ["can't go on", 'cannot go on'])).toEqual(["can't go on"]);
  });

  it('GIVEN a blank term in the list THEN it matches nothing', () => {
    expect(findCrisisTerms('anything at all', ['', '  ', '...'])).toEqual([]);
  });

  it('GIVEN a zero-width space hiding inside a word THEN the word still matches', () => {
    expect(findCrisisTerms('sui\u200Bcide', terms)).toEqual(['suicide']);
  });

  it('GIVEN accents on one side only THEN they are folded', () => {
    expect(findCrisisTerms('je veux me suicider', ['me suicidér'])).toEqual(['me suicidér']);
  });

  it('GIVEN a term in Cyrillic THEN the same words in Cyrillic still match', () => {
    expect(findCrisisTerms('Я хочу умереть', ['хочу умереть'])).toEqual(['хочу умереть']);
  });

  it('GIVEN a term in a script written without spaces THEN it matches inside the sentence', () => {
    expect(findCrisisTerms('もう死にたいです', ['死にたい'])).toEqual(['死にたい']);
  });

  it('GIVEN a Thai term THEN it matches inside the sentence', () => {
    expect(findCrisisTerms('ฉันอยากตายแล้ว', ['อยากตาย'])).toEqual(['อยากตาย']);
  });

  it('GIVEN a number in the text THEN it stays a number ("2" is not read as a letter)', () => {
    expect(findCrisisTerms('I want 2 die', ['want 2 die'])).toEqual(['want 2 die']);
  });

  it('GIVEN look-alike text THEN normaliseForMatching reads it the same as the plain spelling', () => {
    expect(normaliseForMatching('Ѕ3lf-Н4rm!')).toBe(normaliseForMatching('self harm'));
  });
});
