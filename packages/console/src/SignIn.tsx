import { useState } from 'preact/hooks';
import { useConsoleState } from './console-context';

export function SignIn() {
  const state = useConsoleState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="sign-in">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          void state.signIn(email, password);
        }}
      >
        <h1>Hovor</h1>
        <p class="muted">Sign in to answer your visitors.</p>
        {state.signInNotice.value && (
          <p class="notice" role="alert">
            {state.signInNotice.value}
          </p>
        )}
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {state.signInError.value && (
          <p class="error" role="alert">
            {state.signInError.value}
          </p>
        )}
        <button type="submit" class="primary" disabled={state.isSigningIn.value}>
          Sign in
        </button>
      </form>
    </main>
  );
}
