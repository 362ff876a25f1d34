/** `import styles from './x.css?inline'`: Vite hands the processed CSS over as a string. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
