'use strict';
// Expands VS Code snippet bodies the way inserting them with every default accepted would:
// $1 and $0 vanish, ${1:default} becomes its default (nested placeholders included), and
// ${1|a,b|} becomes the choice at a given index (the last one when there are fewer).
// Only what editors/vscode/snippets uses is supported; anything else throws.

function expandSnippet(body, choiceIndex = 0) {
  let i = 0;

  function placeholder() {
    const m = /^\$\{(\d+)/.exec(body.slice(i));
    if (!m) throw new Error(`unsupported snippet syntax at ${i}: ${body.slice(i, i + 20)}`);
    i += m[0].length;
    const c = body[i];
    if (c === '}') {
      i += 1;
      return '';
    }
    if (c === ':') {
      i += 1;
      return sequence(true);
    }
    if (c === '|') {
      const end = body.indexOf('|}', i);
      if (end < 0) throw new Error('unclosed choice');
      const choices = body.slice(i + 1, end).split(',');
      i = end + 2;
      return choices[Math.min(choiceIndex, choices.length - 1)];
    }
    throw new Error(`unsupported placeholder at ${i}`);
  }

  function sequence(inPlaceholder) {
    let out = '';
    while (i < body.length) {
      const c = body[i];
      if (c === '\\' && '$}\\'.includes(body[i + 1] || '')) {
        out += body[i + 1];
        i += 2;
      } else if (inPlaceholder && c === '}') {
        i += 1;
        return out;
      } else if (c === '$' && /\d/.test(body[i + 1] || '')) {
        i += /^\$\d+/.exec(body.slice(i))[0].length;
      } else if (c === '$' && body[i + 1] === '{') {
        out += placeholder();
      } else if (c === '$') {
        throw new Error(`unescaped '$' at ${i} (snippet variables are not used here)`);
      } else {
        out += c;
        i += 1;
      }
    }
    if (inPlaceholder) throw new Error('unclosed placeholder');
    return out;
  }

  return sequence(false);
}

/** The number of choices of the snippet's longest choice placeholder (1 when none). */
function maxChoices(body) {
  let most = 1;
  for (const m of body.matchAll(/\$\{\d+\|([^|]*)\|\}/g)) most = Math.max(most, m[1].split(',').length);
  return most;
}

module.exports = { expandSnippet, maxChoices };
