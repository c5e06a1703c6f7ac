import { describe, expect, it } from 'vitest';
import { crisisMatcher, findCrisisTerms } from '../../../src/domain/help/crisis.ts';

const terms = ['kill myself', 'suicide', "can't go on", 'end it all', 'self-harm', 'kill'];

describe('crisis terms', () => {
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

  it('GIVEN the apostrophe left out THEN the phrase still matches', () => {
    expect(findCrisisTerms('honestly i cant go on', terms)).toEqual(["can't go on"]);
  });

  it('GIVEN a phrase split by repeated spaces, a line break and punctuation THEN it matches', () => {
    expect(findCrisisTerms('I want to END   it\nall...', terms)).toEqual(['end it all']);
  });

  it('GIVEN punctuation around a word THEN it matches ("suicide?!")', () => {
    expect(findCrisisTerms('(suicide?!)', terms)).toEqual(['suicide']);
  });

  it('GIVEN a hyphenated term THEN it matches with a hyphen or a space', () => {
    expect(findCrisisTerms('thinking of self harm', terms)).toEqual(['self-harm']);
    expect(findCrisisTerms('thinking of self-harm', terms)).toEqual(['self-harm']);
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

  it('GIVEN a blank term in the list THEN it matches nothing', () => {
    expect(findCrisisTerms('anything at all', ['', '  ', '...'])).toEqual([]);
  });

  it('GIVEN a zero-width space hiding inside a word THEN the word still matches', () => {
    expect(findCrisisTerms('sui\u200Bcide', terms)).toEqual(['suicide']);
  });

  it('GIVEN accents on one side only THEN they are folded', () => {
    expect(findCrisisTerms('je veux me suicider', ['me suicidér'])).toEqual(['me suicidér']);
  });

  it('GIVEN a term in a script written without spaces THEN it matches inside the sentence', () => {
    expect(findCrisisTerms('もう死にたいです', ['死にたい'])).toEqual(['死にたい']);
  });

  it('GIVEN a 300-character topic and 100 terms THEN a compiled matcher answers well under a millisecond', () => {
    const many = Array.from({ length: 100 }, (_, index) => `term${index} phrase`);
    const matcher = crisisMatcher(many);
    const topic = 'a long topic about work, family and skills '.repeat(8).slice(0, 300);
    const start = performance.now();
    for (let round = 0; round < 1000; round += 1) matcher.find(topic);
    expect((performance.now() - start) / 1000).toBeLessThan(1);
  });
});
